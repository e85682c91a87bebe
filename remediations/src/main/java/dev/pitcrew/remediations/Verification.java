package dev.pitcrew.remediations;

import java.time.Duration;

/**
 * How a rollout ended up: complete ({@code 3/3 ready after 42 s}) or not within the time allowed
 * ({@code 2/3 ready after 120 s; 1 pod in CrashLoopBackOff}).
 */
public record Verification(boolean complete, String summary, Duration elapsed) {}
