using System.Text.Json;
using HeartRule.Contracts;
using MassTransit;

namespace HeartRule.Sessions;

/// <summary>
/// Runs turns for sessions. Callers guarantee one turn at a time per session (the receive endpoint is
/// partitioned by session id); the version compare-and-set catches anything that slips through, and the
/// retry that follows re-reads the record.
/// </summary>
public sealed class TurnProcessor(
    SessionStateStore store,
    PersistenceClient persistence,
    IRequestClient<ExecuteTurn> engine,
    IPublishEndpoint publisher,
    TimeProvider time,
    ILogger<TurnProcessor> logger)
{
    /// <summary>Creates the session and runs its first turn; the result is the committed turn, or why there is none.</summary>
    public async Task<StartOutcome> StartAsync(StartSession command, CancellationToken ct)
    {
        var existing = await store.GetAsync(command.SessionId);
        if (existing is not null)
        {
            // A redelivered start: the session exists, so its first turn was committed; make sure it was published.
            if (existing.LastTurn is { Turn: 0 } first) await publisher.Publish(first, ct);
            return new StartOutcome(existing.LastTurn, null);
        }

        var script = await persistence.GetScriptAsync(command.ScriptId, command.ScriptVersion, ct);
        if (script is null || script.Kind != "session")
        {
            return new StartOutcome(null, await RejectAsync(command.SessionId, command.UserId, null, command.RequestId, ErrorCodes.ScriptNotFound,
                script is null ? $"There is no script \"{command.ScriptId}\"{(command.ScriptVersion is { } v ? $" version {v}" : "")}." : $"\"{command.ScriptId}\" is a technique, not a session script.", ct));
        }

        var executed = await ExecuteAsync(new ExecuteTurn
        {
            SessionId = command.SessionId, ScriptId = script.ScriptId, ScriptVersion = script.Version,
            InitialVariables = command.InitialVariables,
        }, ct);
        if (executed.StateJson is null)
        {
            var error = executed.Error ?? new ErrorInfo(ErrorCodes.InternalError, "The script engine returned no state.", true);
            return new StartOutcome(null, await RejectAsync(command.SessionId, command.UserId, null, command.RequestId, error.Code, error.Message, ct));
        }

        var record = new SessionRecord
        {
            SessionId = command.SessionId, UserId = command.UserId, ScriptId = script.ScriptId, ScriptVersion = script.Version,
            Status = "active", ExecutionStatus = "running", StateJson = executed.StateJson, Version = 0, LastSeq = 0, Turn = -1,
        };
        return new StartOutcome(await CommitAsync(record, null, command.RequestId, null, executed, ct), null);
    }

    public async Task SubmitAsync(SubmitInput input, CancellationToken ct)
    {
        var record = await store.GetAsync(input.SessionId) ?? await LoadFromPersistenceAsync(input.SessionId, ct);
        if (record is null)
        {
            await RejectAsync(input.SessionId, input.UserId, input.ClientMessageId, input.RequestId, ErrorCodes.SessionNotFound, "The session does not exist.", ct);
            return;
        }
        if (record.UserId != input.UserId)
        {
            await RejectAsync(input.SessionId, input.UserId, input.ClientMessageId, input.RequestId, ErrorCodes.Forbidden, "The session belongs to another user.", ct);
            return;
        }
        if (record.RecentInputs.Contains(input.ClientMessageId))
        {
            // A retry of an input whose turn is committed: publish it again if it is the latest (it may not have
            // gone out before a crash); older ones were delivered long ago, since later turns followed them.
            if (record.LastTurn?.ClientMessageId == input.ClientMessageId) await publisher.Publish(record.LastTurn, ct);
            logger.LogInformation("Input {ClientMessageId} of session {SessionId} was already processed", input.ClientMessageId, input.SessionId);
            return;
        }
        if (record.Status == "deleted")
        {
            await RejectAsync(input.SessionId, input.UserId, input.ClientMessageId, input.RequestId, ErrorCodes.SessionNotFound, "The session was deleted.", ct);
            return;
        }
        if (record.ExecutionStatus == "completed" || record.Status != "active")
        {
            await RejectAsync(input.SessionId, input.UserId, input.ClientMessageId, input.RequestId, ErrorCodes.SessionCompleted, "The session has ended.", ct);
            return;
        }

        var executed = await ExecuteAsync(new ExecuteTurn
        {
            SessionId = record.SessionId, ScriptId = record.ScriptId, ScriptVersion = record.ScriptVersion,
            StateJson = record.StateJson, UserInput = input.Text,
        }, ct);
        await CommitAsync(record, input, input.RequestId, input.Text, executed, ct);
    }

    private async Task<TurnExecuted> ExecuteAsync(ExecuteTurn request, CancellationToken ct)
    {
        try
        {
            var response = await engine.GetResponse<TurnExecuted>(request, ct);
            return response.Message;
        }
        catch (RequestTimeoutException)
        {
            return new TurnExecuted
            {
                Messages = [], StateJson = request.StateJson, ExecutionStatus = "error",
                Position = new SessionPosition(0, null, 0, null, 0, null, null, 0, 0), ChangedVariables = [],
                Variables = new Dictionary<string, IReadOnlyDictionary<string, JsonElement>>(), LlmCalls = [],
                Error = new ErrorInfo(ErrorCodes.LlmTimeout, "The script engine did not answer in time.", true),
            };
        }
    }

    private async Task<TurnCompleted> CommitAsync(SessionRecord record, SubmitInput? input, string? requestId, string? userText, TurnExecuted executed, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var seq = record.LastSeq;
        var messages = new List<SessionMessage>();
        if (userText is not null)
        {
            messages.Add(new SessionMessage { Seq = ++seq, MessageId = Guid.NewGuid(), Role = "user", Content = userText, Timestamp = now });
        }
        foreach (var m in executed.Messages)
        {
            messages.Add(new SessionMessage
            {
                Seq = ++seq, MessageId = m.MessageId, Role = "assistant", Content = m.Content, ActionId = m.ActionId,
                Metadata = JsonSerializer.SerializeToElement(new { actionType = m.ActionType, round = m.Round }), Timestamp = now,
            });
        }
        var executionStatus = executed.ExecutionStatus;
        var turn = new TurnCompleted
        {
            SessionId = record.SessionId, UserId = record.UserId, ScriptId = record.ScriptId, ScriptVersion = record.ScriptVersion,
            Turn = record.Turn + 1, ClientMessageId = input?.ClientMessageId, RequestId = requestId, Messages = messages,
            Summary = new TurnSummary
            {
                Seq = ++seq, ExecutionStatus = executionStatus, Position = executed.Position, ChangedVariables = executed.ChangedVariables,
                Variables = executed.Variables, LlmCalls = executed.LlmCalls, Error = executed.Error,
            },
            SessionStatus = executionStatus == "completed" ? "completed" : "active",
            StateJson = executed.StateJson ?? record.StateJson,
            StateVersion = record.Version + 1,
            CompletedAt = now,
        };
        var recent = input is null ? record.RecentInputs : record.RecentInputs.Append(input.ClientMessageId).TakeLast(SessionRecord.RecentInputsKept).ToList();
        var next = record with
        {
            Status = turn.SessionStatus, ExecutionStatus = executionStatus, StateJson = turn.StateJson, Version = turn.StateVersion,
            LastSeq = seq, Turn = turn.Turn, RecentInputs = recent, LastTurn = turn,
        };
        if (!await store.TrySaveAsync(next, record.Version))
            throw new ConcurrencyConflictException($"Session {record.SessionId} changed while turn {turn.Turn} ran.");

        await publisher.Publish(turn, ct);
        logger.LogInformation("Session {SessionId} turn {Turn} committed: {ExecutionStatus}, seq {FirstSeq}..{LastSeq}",
            record.SessionId, turn.Turn, executionStatus, record.LastSeq + 1, seq);
        return turn;
    }

    private async Task<SessionRecord?> LoadFromPersistenceAsync(Guid sessionId, CancellationToken ct)
    {
        var snapshot = await persistence.GetSessionAsync(sessionId, ct);
        if (snapshot is null) return null;
        logger.LogInformation("Session {SessionId} restored from the database at version {Version}", sessionId, snapshot.Version);
        return new SessionRecord
        {
            SessionId = snapshot.SessionId, UserId = snapshot.UserId, ScriptId = snapshot.ScriptId, ScriptVersion = snapshot.ScriptVersion,
            Status = snapshot.Status, ExecutionStatus = snapshot.ExecutionStatus, StateJson = snapshot.StateJson,
            Version = snapshot.Version, LastSeq = snapshot.LastSeq, Turn = snapshot.Turn,
        };
    }

    private async Task<ErrorInfo> RejectAsync(Guid sessionId, string userId, string? clientMessageId, string? requestId, string code, string message, CancellationToken ct)
    {
        logger.LogInformation("Session {SessionId}: rejected {ClientMessageId} with {Code}", sessionId, clientMessageId, code);
        var error = new ErrorInfo(code, message, ErrorCodes.Describe(code).CanRetry);
        await publisher.Publish(new TurnRejected
        {
            SessionId = sessionId, UserId = userId, ClientMessageId = clientMessageId, RequestId = requestId, Error = error,
        }, ct);
        return error;
    }

    /// <summary>Marks the hot record deleted, so later inputs are refused; the database row is the Persistence service's.</summary>
    public async Task MarkDeletedAsync(Guid sessionId)
    {
        while (await store.GetAsync(sessionId) is { } record && record.Status != "deleted")
        {
            if (await store.TrySaveAsync(record with { Status = "deleted", Version = record.Version + 1 }, record.Version)) return;
        }
    }
}

public sealed record StartOutcome(TurnCompleted? Turn, ErrorInfo? Error);

public sealed class ConcurrencyConflictException(string message) : Exception(message);
