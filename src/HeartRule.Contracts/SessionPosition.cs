namespace HeartRule.Contracts;

public sealed record SessionPosition(
    int PhaseIndex, string? PhaseId,
    int TopicIndex, string? TopicId,
    int ActionIndex, string? ActionId, string? ActionType,
    int CurrentRound, int MaxRounds);
