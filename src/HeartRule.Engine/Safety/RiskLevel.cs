namespace HeartRule.Engine;

/// <summary>How much danger a client's words show, lowest first. High and imminent make the system act.</summary>
public enum RiskLevel { None, Low, Medium, High, Imminent }

public static class RiskLevels
{
    public static string ToWire(this RiskLevel level) => level switch
    {
        RiskLevel.Low => "low",
        RiskLevel.Medium => "medium",
        RiskLevel.High => "high",
        RiskLevel.Imminent => "imminent",
        _ => "none",
    };

    public static bool TryParse(string? text, out RiskLevel level)
    {
        level = (text ?? "").Trim().ToLowerInvariant() switch
        {
            "none" => RiskLevel.None,
            "low" => RiskLevel.Low,
            "medium" => RiskLevel.Medium,
            "high" => RiskLevel.High,
            "imminent" => RiskLevel.Imminent,
            _ => (RiskLevel)(-1),
        };
        return level >= RiskLevel.None;
    }

    /// <summary>The levels at which the client gets the crisis response and the session is flagged.</summary>
    public static bool Acts(this RiskLevel level) => level >= RiskLevel.High;
}
