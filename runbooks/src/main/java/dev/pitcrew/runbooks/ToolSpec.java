package dev.pitcrew.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitcrew.remediations.Risk;

/** What the model is offered for one runbook: a function name, its description and schema. */
public record ToolSpec(String name, String description, JsonNode parameters, Risk risk) {}
