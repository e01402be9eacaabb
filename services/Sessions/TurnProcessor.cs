using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Engine;
using HeartRule.Infrastructure;
using HeartRule.Infrastructure.Delivery;
using HeartRule.Localization;
using MassTransit;

namespace HeartRule.Sessions;

/// <summary>
/// Runs turns for sessions. Callers guarantee one turn at a time per session (the receive endpoint is
/// partitioned by session id); the version compare-and-set catches anything that slips through, and the
/// retry that follows re-reads the record.
/// </summary>
public sealed class TurnProcessor(
    SessionStateStore store,
    SessionOwners owners,
    PersistenceClient persistence,
    EngineClient engine,
    IPublishEndpoint publisher,
    SessionEventDelivery delivery,
    PublishedTurns published,
    TimeProvider time,
    SessionsMetrics metrics,
    ILogger<TurnProcessor> logger)
{
    /// <summary>Creates the session and runs its first turn; the result is the committed turn, or why there is none.</summary>
    public async Task<StartOutcome> StartAsync(StartSession command, CancellationToken ct)
    {
        var existing = await store.GetAsync(command.SessionId);
        if (existing is not null)
        {
            // A redelivered start: the session exists, so its first turn was committed; make sure it was published.
            if (existing.PublishableLastTurn is { Turn: 0 } first) await PublishAsync(first, ct);
            return new StartOutcome(existing.PublishableLastTurn, null);
        }

        var script = await persistence.GetStartableScriptAsync(command, ct);
        if (script is null || script.Kind != "session" || script.Deleted)
        {
            var why = script is not null && !script.Deleted ? LocalText.Of("error.notASessionScript", ("script", command.ScriptId))
                : command.ScriptVersion is { } v ? LocalText.Of("error.scriptHasNoVersion", ("script", command.ScriptId), ("version", v))
                : LocalText.Of("error.noScript", ("script", command.ScriptId));
            return new StartOutcome(null, await RejectAsync(command.SessionId, command.UserId, null, command.RequestId, ErrorCodes.ScriptNotFound,
                why.In(command.ClientLocale), command.RequestedAt, ct));
        }

        // A start the engine cannot run is refused, in the asker's words.
        var executed = await engine.ExecuteAsync(new ExecuteTurn
        {
            SessionId = command.SessionId, ScriptId = script.ScriptId, ScriptVersion = script.Version,
            InitialVariables = command.InitialVariables, OmitLlmText = !command.Debug, Locale = command.Locale,
        }, command.ClientLocale, ct);
        if (executed.StateJson is null)
        {
            var error = executed.Error ?? new ErrorInfo(ErrorCodes.InternalError, Catalogue.Get(command.ClientLocale, "error.engineNoState"), true);
            return new StartOutcome(null, await RejectAsync(command.SessionId, command.UserId, null, command.RequestId, error.Code, error.Message, command.RequestedAt, ct));
        }

        var record = new SessionRecord
        {
            SessionId = command.SessionId, UserId = command.UserId, ScriptId = script.ScriptId, ScriptVersion = script.Version,
            Status = "active", ExecutionStatus = "running", StateJson = executed.StateJson, Version = 0, LastSeq = 0, Turn = -1,
            Debug = command.Debug, Locale = executed.Locale ?? command.Locale,
        };
        return new StartOutcome(await CommitAsync(record, null, command.RequestId, [], executed, command.RequestedAt, heldBy: null, ct), null);
    }

    /// <summary>How long an input waits for the inputs accepted before it, before it is taken as lost.</summary>
    public const int OrderingAttempts = 200; // × the 50 ms retry interval = 10 s

    /// <param name="attempt">0 on the first delivery, then the retry count (inputs that came too early are retried).</param>
    public async Task SubmitAsync(SubmitInput input, int attempt, CancellationToken ct)
    {
        logger.LogDebug("Processing input {ClientMessageId} of session {SessionId}", input.ClientMessageId, input.SessionId);
        // Asked alongside the record: the two commands share the connection's next write, not a round trip each.
        var debugged = owners.IsDebuggedAsync(input.SessionId);
        var record = await store.GetAsync(input.SessionId) ?? await LoadFromPersistenceAsync(input.SessionId, input.InputSeq, ct);
        if (record is null)
        {
            // The gateway records the owner before it sends the start: an owner without a session means the start is still running.
            if (await owners.GetAsync(input.SessionId) is not null && attempt < OrderingAttempts)
                throw new InputTooEarlyException($"Session {input.SessionId} is still starting.");
            await RejectAsync(input.SessionId, input.UserId, input.ClientMessageId, input.RequestId, ErrorCodes.SessionNotFound,
                Catalogue.Get(input.ClientLocale, "error.noSession", ("session", input.SessionId)), input.ReceivedAt, ct, input.ReplyTo);
            return;
        }
        if (input.InputSeq > record.LastInputSeq + 1 && attempt < OrderingAttempts)
        {
            // An input accepted earlier has not been handled yet: let it go first.
            throw new InputTooEarlyException($"Input {input.InputSeq} of session {input.SessionId} arrived before input {record.LastInputSeq + 1}.");
        }

        var refusal = record switch
        {
            _ when record.UserId != input.UserId => (ErrorCodes.Forbidden, "error.otherUsersSession"),
            { Status: "deleted" } => (ErrorCodes.SessionNotFound, "error.sessionDeleted"),
            _ when record.RecentInputs.Contains(input.ClientMessageId) => ("", ""),
            { ExecutionStatus: "completed" } or { Status: not "active" } => (ErrorCodes.SessionCompleted, "error.sessionEnded"),
            _ => ((string, string)?)null,
        };
        if (refusal is var (code, key))
        {
            // Handled without a turn, but handled: the inputs queued behind it must not wait for it.
            await AdvanceInputSeqAsync(record, Accepted.Of(input));
            if (code.Length > 0)
            {
                await RejectAsync(input.SessionId, input.UserId, input.ClientMessageId, input.RequestId, code,
                    Catalogue.Get(input.ClientLocale, key), input.ReceivedAt, ct, input.ReplyTo);
            }
            else
            {
                // A retry of an input whose turn is committed: publish it again if it is the latest (it may not
                // have gone out before a crash); older ones were delivered long ago, since later turns followed.
                if (record.PublishableLastTurn is { } last && last.ClientMessageId == input.ClientMessageId) await PublishAsync(last, ct);
                logger.LogInformation("Input {ClientMessageId} of session {SessionId} was already processed", input.ClientMessageId, input.SessionId);
            }
            return;
        }

        await PublishPreviousAsync(record, ct);
        if (record.HeldBy is not null)
        {
            // A counsellor holds the conversation: the input is theirs to answer; the engine only keeps it in its history.
            var held = ScriptExecutor.Record(EngineState.FromJson(record.StateJson), "user", input.Text);
            await CommitAsync(record, Accepted.Of(input), input.RequestId, [new MessageDraft("user", input.Text)], Unchanged(record, held), input.ReceivedAt, record.HeldBy, ct);
            return;
        }
        var executed = await engine.ExecuteAsync(new ExecuteTurn
        {
            SessionId = record.SessionId, ScriptId = record.ScriptId, ScriptVersion = record.ScriptVersion,
            StateJson = record.StateJson, UserInput = input.Text, OmitLlmText = !(record.Debug || await debugged),
        }, record.Locale, ct);
        await CommitAsync(record, Accepted.Of(input), input.RequestId, [new MessageDraft("user", input.Text)], executed, input.ReceivedAt, record.HeldBy, ct);
    }

    /// <summary>
    /// A counsellor takes the conversation over, speaks in it or hands it back. Ordered with the client's inputs (the
    /// same accept numbering), recognised on retry, committed as a turn of its own so every device sees it in sequence.
    /// </summary>
    /// <returns>Whether the command was carried out now (not refused, not a retry of one already done).</returns>
    public async Task<bool> CounsellorAsync(CounsellorCommand command, int attempt, CancellationToken ct)
    {
        var record = await store.GetAsync(command.SessionId) ?? await LoadFromPersistenceAsync(command.SessionId, command.InputSeq, ct);
        if (record is null)
        {
            await RejectAsync(command.SessionId, command.CounsellorId, command.ClientMessageId, command.RequestId, ErrorCodes.SessionNotFound,
                Catalogue.Get(command.ClientLocale, "error.noSession", ("session", command.SessionId)), command.ReceivedAt, ct, command.ReplyTo, senderOnly: true);
            return false;
        }
        if (command.InputSeq > record.LastInputSeq + 1 && attempt < OrderingAttempts)
            throw new InputTooEarlyException($"Counsellor command {command.InputSeq} of session {command.SessionId} arrived before input {record.LastInputSeq + 1}.");
        var accepted = new Accepted(command.ClientMessageId, command.InputSeq);
        var refusal = (record, command.Action) switch
        {
            ({ Status: "deleted" }, _) => (ErrorCodes.SessionNotFound, "error.sessionDeleted"),
            _ when record.RecentInputs.Contains(command.ClientMessageId) => ("", ""),
            ({ ExecutionStatus: "completed" } or { Status: not "active" }, _) => (ErrorCodes.SessionCompleted, "error.sessionEnded"),
            (_, CounsellorActions.Take) when record.HeldBy is { } other && other != command.CounsellorId => (ErrorCodes.Forbidden, "error.heldByOther"),
            (_, CounsellorActions.Say or CounsellorActions.Release) when record.HeldBy != command.CounsellorId => (ErrorCodes.Forbidden, "error.notHolder"),
            _ => ((string, string)?)null,
        };
        if (refusal is var (code, key))
        {
            await AdvanceInputSeqAsync(record, accepted);
            if (code.Length > 0)
            {
                await RejectAsync(command.SessionId, command.CounsellorId, command.ClientMessageId, command.RequestId, code,
                    Catalogue.Get(command.ClientLocale, key), command.ReceivedAt, ct, command.ReplyTo, senderOnly: true);
            }
            else if (record.PublishableLastTurn is { } last && last.ClientMessageId == command.ClientMessageId)
            {
                await PublishAsync(last, ct);
            }
            return false;
        }

        await PublishPreviousAsync(record, ct);
        var state = EngineState.FromJson(record.StateJson);
        var (said, next, holder) = command.Action switch
        {
            CounsellorActions.Take => (new MessageDraft("system", Catalogue.Get(record.Locale, "session.counsellorJoined")),
                ScriptExecutor.TakeOver(state, command.CounsellorId), command.CounsellorId),
            CounsellorActions.Release => (new MessageDraft("system", Catalogue.Get(record.Locale, "session.counsellorLeft")),
                ScriptExecutor.HandBack(state), (string?)null),
            _ => (new MessageDraft("counsellor", command.Text ?? "", JsonSerializer.SerializeToElement(new { counsellorId = command.CounsellorId })),
                ScriptExecutor.Record(state, "counsellor", command.Text ?? ""), command.CounsellorId),
        };
        await CommitAsync(record, accepted, command.RequestId, [said], Unchanged(record, next), command.ReceivedAt, holder, ct);
        if (command.Action != CounsellorActions.Say)
            logger.LogInformation("Session {SessionId}: counsellor {CounsellorId} {Action}", command.SessionId, command.CounsellorId, command.Action);
        return true;
    }

    /// <summary>A turn in which the engine did not run: the script stays where it was, with the state given.</summary>
    private static TurnExecuted Unchanged(SessionRecord record, EngineState state) => new()
    {
        Messages = [], StateJson = state.ToJson(), ExecutionStatus = record.ExecutionStatus,
        Position = record.LastTurn?.Summary.Position ?? record.RestoredPosition ?? new SessionPosition(0, null, 0, null, 0, null, null, 0, 0),
        ChangedVariables = [],
        Variables = record.LastTurn?.Summary.Variables ?? record.RestoredVariables ?? new Dictionary<string, IReadOnlyDictionary<string, JsonElement>>(),
        LlmCalls = [], Locale = record.Locale,
    };

    private async Task AdvanceInputSeqAsync(SessionRecord record, Accepted input)
    {
        if (input.InputSeq <= record.LastInputSeq) return;
        if (!await store.TrySaveAsync(record with { LastInputSeq = input.InputSeq, Version = record.Version + 1 }, record.Version))
            throw new ConcurrencyConflictException($"Session {record.SessionId} changed while input {input.InputSeq} was refused.");
    }

    /// <param name="said">The turn's messages before the engine's (the client's input; a counsellor's words or arrival).</param>
    /// <param name="heldBy">The counsellor holding the conversation after this turn (null: nobody).</param>
    private async Task<TurnCompleted> CommitAsync(
        SessionRecord record, Accepted? input, string? requestId, IReadOnlyList<MessageDraft> said, TurnExecuted executed, DateTimeOffset acceptedAt,
        string? heldBy, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var seq = record.LastSeq;
        var messages = new List<SessionMessage>();
        foreach (var m in said)
        {
            messages.Add(new SessionMessage { Seq = ++seq, MessageId = Guid.NewGuid(), Role = m.Role, Content = m.Content, Metadata = m.Metadata, Timestamp = now });
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
                Variables = executed.Variables, LlmCalls = executed.LlmCalls, Error = executed.Error, Safety = executed.Safety,
            },
            SessionStatus = executionStatus == "completed" ? "completed" : "active",
            StateJson = executed.StateJson ?? record.StateJson,
            StateVersion = record.Version + 1,
            CompletedAt = now,
            Locale = record.Locale,
        };
        var recent = input is null ? record.RecentInputs : record.RecentInputs.Append(input.ClientMessageId).TakeLast(SessionRecord.RecentInputsKept).ToList();
        var next = record with
        {
            LastInputSeq = Math.Max(record.LastInputSeq, input?.InputSeq ?? 0),
            Status = turn.SessionStatus,
            ExecutionStatus = executionStatus,
            StateJson = turn.StateJson,
            Version = turn.StateVersion,
            LastSeq = seq,
            Turn = turn.Turn,
            RecentInputs = recent,
            LastTurn = turn with { StateJson = "" },
            HeldBy = heldBy,
            // The turn carries them from now on: not written again with every later save.
            RestoredPosition = null,
            RestoredVariables = null,
        };
        if (!await store.TrySaveAsync(next, record.Version))
            throw new ConcurrencyConflictException($"Session {record.SessionId} changed while turn {turn.Turn} ran.");

        await PublishAsync(turn, ct);
        metrics.TurnEnded(executionStatus, acceptedAt, time.GetUtcNow());
        logger.LogInformation("Session {SessionId} turn {Turn} committed: {ExecutionStatus}, seq {FirstSeq}..{LastSeq}",
            record.SessionId, turn.Turn, executionStatus, record.LastSeq + 1, seq);
        return turn;
    }

    /// <summary>
    /// A committed turn goes to the broker for storing (durable: Persistence may be down; it sends the counsellors' alert
    /// once it has stored the flag, so that the session the alert names can be watched at once), then straight to the
    /// sockets (through the event log). The input is acknowledged only once both are done; after a failure of either it
    /// is handled again, which repeats both, and the session's next turn is not committed before they are
    /// (<see cref="PublishedTurns"/>). Not at the same time: a client that saw a turn whose publish
    /// then failed would send its next input with the turn on its way nowhere.
    /// </summary>
    private async Task PublishAsync(TurnCompleted turn, CancellationToken ct)
    {
        await publisher.Publish(turn, ct);
        await delivery.DeliverTurnAsync(turn);
        published.Remember(turn);
    }

    /// <summary>
    /// Before a session's next turn: the turn before it must be on its way to the database, or it never will be once
    /// the new one is committed (<see cref="PublishedTurns"/>). Not known here as published — its publish failed, or it
    /// was done by an instance before this one — it is published again; first, so that no model is called for a turn
    /// that cannot be committed yet.
    /// </summary>
    private async Task PublishPreviousAsync(SessionRecord record, CancellationToken ct)
    {
        if (record.PublishableLastTurn is not { } previous || published.Knows(previous)) return;
        logger.LogInformation("Session {SessionId}: turn {Turn} is not known to be published; publishing it before turn {Next}",
            record.SessionId, previous.Turn, previous.Turn + 1);
        await PublishAsync(previous, ct);
    }

    private async Task<SessionRecord?> LoadFromPersistenceAsync(Guid sessionId, long inputSeq, CancellationToken ct)
    {
        var snapshot = await persistence.GetSessionAsync(sessionId, ct);
        if (snapshot is null) return null;
        logger.LogInformation("Session {SessionId} restored from the database at version {Version}", sessionId, snapshot.Version);
        var record = new SessionRecord
        {
            SessionId = snapshot.SessionId, UserId = snapshot.UserId, ScriptId = snapshot.ScriptId, ScriptVersion = snapshot.ScriptVersion,
            Status = snapshot.Status, ExecutionStatus = snapshot.ExecutionStatus, StateJson = snapshot.StateJson,
            Version = snapshot.Version, LastSeq = snapshot.LastSeq, Turn = snapshot.Turn, Locale = snapshot.Locale,
            RecentInputs = [.. Enumerable.Reverse(snapshot.RecentInputs)],
            // The accept order of earlier inputs is not stored; this input is taken as the next one.
            LastInputSeq = Math.Max(0, inputSeq - 1),
            HeldBy = snapshot.Status == "active" ? HolderOf(snapshot.StateJson) : null,
            RestoredPosition = snapshot.Position,
            RestoredVariables = snapshot.Variables,
        };
        // Put back in Redis before it is used: every later save is a compare-and-set against its version, which
        // a missing key would never match. Another instance that restored it first wins; use its copy.
        return await store.TrySaveAsync(record, 0) ? record : await store.GetAsync(sessionId);
    }

    /// <summary>Who holds the conversation, from a stored state; an erased session's state is empty and names nobody.</summary>
    private static string? HolderOf(string stateJson)
    {
        try
        {
            return EngineState.FromJson(stateJson).HeldBy;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<ErrorInfo> RejectAsync(
        Guid sessionId, string userId, string? clientMessageId, string? requestId, string code, string message, DateTimeOffset acceptedAt,
        CancellationToken ct, ReplyAddress? replyTo = null, bool senderOnly = false)
    {
        logger.LogInformation("Session {SessionId}: rejected {ClientMessageId} with {Code}", sessionId, clientMessageId, code);
        var error = new ErrorInfo(code, message, ErrorCodes.Describe(code).CanRetry);
        await delivery.DeliverRejectionAsync(new TurnRejected
        {
            SessionId = sessionId, UserId = userId, ClientMessageId = clientMessageId, RequestId = requestId, Error = error, ReplyTo = replyTo,
            SenderOnly = senderOnly,
        });
        metrics.TurnEnded(SessionsMetrics.Rejected, acceptedAt, time.GetUtcNow());
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

/// <summary>An input or counsellor command as accepted: its retry identity and its place in the accept order.</summary>
internal sealed record Accepted(string ClientMessageId, long InputSeq)
{
    public static Accepted Of(SubmitInput input) => new(input.ClientMessageId, input.InputSeq);
}

/// <summary>A message of a turn that is not the engine's: the client's input, a counsellor's words, a notice.</summary>
internal sealed record MessageDraft(string Role, string Content, JsonElement? Metadata = null);

/// <summary>The input must wait: inputs accepted before it (or the session's start) are not handled yet.</summary>
public sealed class InputTooEarlyException(string message) : Exception(message);

public sealed class ConcurrencyConflictException(string message) : Exception(message);
