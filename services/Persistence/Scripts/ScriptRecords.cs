namespace HeartRule.Persistence.Scripts;

public sealed record ScriptSummary(string Id, string Kind, string? Name, int LatestVersion, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record ScriptVersionRecord(string ScriptId, string Kind, string? Name, int Version, string Yaml, string? Author, string? Notes, DateTime CreatedAt);
