package dev.pitcrew.approvals;

import java.util.Optional;

/** What came of clicking Approve or Deny. */
public sealed interface Decision {

  /** The request as it stands after the click, if it exists. */
  default Optional<ApprovalRequest> current() {
    if (this instanceof Approved a) {
      return Optional.of(a.request());
    }
    if (this instanceof Denied d) {
      return Optional.of(d.request());
    }
    if (this instanceof Recorded r) {
      return Optional.of(r.request());
    }
    if (this instanceof Refused r) {
      return Optional.of(r.request());
    }
    if (this instanceof AlreadyDecided d) {
      return Optional.of(d.request());
    }
    if (this instanceof Expired e) {
      return Optional.of(e.request());
    }
    return Optional.empty();
  }

  /** This click approved the request; the caller, and no one else, runs it. */
  record Approved(ApprovalRequest request) implements Decision {}

  /** This approval counted, but more distinct approvers are needed before anything runs. */
  record Recorded(ApprovalRequest request) implements Decision {}

  record Denied(ApprovalRequest request) implements Decision {}

  /** The user may not decide; nothing changed. */
  record Refused(ApprovalRequest request, String reason) implements Decision {}

  /** Someone decided first; {@code request} says who and what. */
  record AlreadyDecided(ApprovalRequest request) implements Decision {}

  /** Too late: the request expired (now, or before). */
  record Expired(ApprovalRequest request) implements Decision {}

  record NotFound(String id) implements Decision {}
}
