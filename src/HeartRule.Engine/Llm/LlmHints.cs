namespace HeartRule.Engine;

/// <summary>
/// Keys of the structured hints the engine puts in <c>ChatOptions.AdditionalProperties</c> on every call.
/// A real model reads the prompt text; the offline client reads these hints, so both answer the same task.
/// </summary>
public static class LlmHints
{
    public const string Purpose = "heartrule.purpose";
    /// <summary>The language the reply is written in: the locale of the template the prompt was built from.</summary>
    public const string Locale = "heartrule.locale";
    public const string Content = "heartrule.content";
    public const string Outputs = "heartrule.outputs";
    /// <summary>Each output's <c>define</c> (empty when it has none), in the order of <see cref="Outputs"/>.</summary>
    public const string OutputDefinitions = "heartrule.output_definitions";
    public const string LastAnswer = "heartrule.last_answer";
    public const string Round = "heartrule.round";
    public const string MaxRounds = "heartrule.max_rounds";
    public const string Exit = "heartrule.exit";

    public static class Purposes
    {
        public const string AiSay = "ai_say";
        public const string AiAsk = "ai_ask";
        public const string AiThink = "ai_think";
        public const string Extract = "extract";
        /// <summary>The second opinion on a client's words: answers <c>{"risk_level", "reason"}</c>.</summary>
        public const string CrisisCheck = "crisis_check";
        /// <summary>Judges a round that did not complete: answers <c>{"engagement", "advice"}</c>.</summary>
        public const string Monitor = "monitor";
    }
}
