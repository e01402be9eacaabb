namespace HeartRule.Contracts;

/// <summary>An error as it travels on the bus; <see cref="Code"/> is one of <see cref="ErrorCodes"/>.</summary>
public sealed record ErrorInfo(string Code, string Message, bool Retryable);
