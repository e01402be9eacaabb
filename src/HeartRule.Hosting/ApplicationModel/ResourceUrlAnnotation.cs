namespace HeartRule.Hosting.ApplicationModel;

/// <summary>A link shown for a resource; relative URLs are resolved against its first http endpoint.</summary>
public sealed record ResourceUrlAnnotation(string Url, string? DisplayText);
