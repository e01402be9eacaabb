using System.Text.Json;

namespace HeartRule.Contracts;

public sealed record VariableChangeRecord(string Name, string Scope, JsonElement? OldValue, JsonElement? NewValue, string? ActionId);
