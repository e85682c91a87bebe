package dev.pitcrew.bot.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.ApprovalRule;
import dev.pitcrew.approvals.Approvals;
import dev.pitcrew.approvals.PlannedChange;
import dev.pitcrew.bot.audit.Audit;
import dev.pitcrew.bot.audit.AuditEvent.Type;
import dev.pitcrew.remediations.Plan;
import java.util.List;

/**
 * What every part of the approval path shares: the state machine, and how a request shows (its
 * card, its thread, its audit line). Package-private: the parts are the API.
 */
final class ApprovalView {
  private static final ObjectMapper JSON = new ObjectMapper();

  final Approvals approvals;
  final Surface surface;
  final Audit audit;

  ApprovalView(Approvals approvals, Surface surface, Audit audit) {
    this.approvals = approvals;
    this.surface = surface;
    this.audit = audit;
  }

  ApprovalRule ruleFor(ApprovalRequest request) {
    return approvals.policy().ruleFor(request);
  }

  Card card(ApprovalRequest request) {
    return Cards.of(request, ruleFor(request));
  }

  /** Redraws the request's card as it stands. */
  void redraw(ApprovalRequest request) {
    surface.updateApprovalCard(request, card(request));
  }

  /** Says something in the request's thread. */
  void say(ApprovalRequest request, String text) {
    surface.say(askOf(request), text);
  }

  void record(ApprovalRequest request, Type type, String actor, String summary) {
    audit.record(
        type, request.correlationId(), actor, summary, request.channel(), request.thread());
  }

  static Ask askOf(ApprovalRequest request) {
    return new Ask(
        request.correlationId(), request.requester(), request.channel(), request.thread());
  }

  /**
   * The plan's changes as stored values. Values go through JSON text once, so that a value read
   * back from the store (3 as an int) equals the one planned now (3 as a long).
   */
  static List<PlannedChange> changes(Plan plan) {
    return plan.changes().stream()
        .map(c -> new PlannedChange(c.field(), value(c.from()), value(c.to())))
        .toList();
  }

  private static JsonNode value(Object value) {
    try {
      return JSON.readTree(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("a planned value is not JSON: " + value, e);
    }
  }
}
