namespace HeartRule.Engine;

/// <summary>Whether an action finished (the engine moves on in the same turn) or waits for the client.</summary>
internal enum ActionStep { Completed, Waiting }

internal interface IActionRunner
{
    /// <summary>First execution of the action.</summary>
    Task<ActionStep> StartAsync(TurnContext ctx, ActionDefinition action, ActionRuntime runtime, CancellationToken ct);

    /// <summary>Continuation after the client's input (empty means "next").</summary>
    Task<ActionStep> ResumeAsync(TurnContext ctx, ActionDefinition action, ActionRuntime runtime, string input, CancellationToken ct);
}
