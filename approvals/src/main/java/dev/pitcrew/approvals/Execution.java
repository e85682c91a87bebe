package dev.pitcrew.approvals;

/** How running an approved change went, as far as the approvals module needs to know. */
public record Execution(boolean succeeded, String summary) {}
