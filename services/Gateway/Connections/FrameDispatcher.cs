using HeartRule.Contracts;
using HeartRule.Gateway.Routing;
using HeartRule.Infrastructure;
using HeartRule.Localization;
using HeartRule.Protocol;
using MassTransit;

namespace HeartRule.Gateway.Connections;

/// <summary>What the gateway does with each client frame.</summary>
public sealed class FrameDispatcher(
    IBus bus,
    TokenRefresh tokens,
    LocalSubscriptions subscriptions,
    SessionOwnership ownership,
    SessionOwners owners,
    TranscriptClient transcript,
    HeartRule.Gateway.Safety.CounsellorAlerts alerts,
    NodeIdentity node,
    EventLog log,
    TimeProvider time,
    GatewayOptions options,
    ILogger<FrameDispatcher> logger)
{
    public Task DispatchAsync(ClientConnection connection, Frame frame) => frame switch
    {
        SessionStartFrame start => StartAsync(connection, start),
        SessionAttachFrame attach => AttachAsync(connection, attach),
        SessionDetachFrame detach => subscriptions.RemoveAsync(connection, detach.SessionId),
        InputFrame input => InputAsync(connection, input),
        PingFrame => Pong(connection),
        AuthRefreshFrame refresh => tokens.RefreshAsync(connection, refresh),
        LocaleChangeFrame change => ChangeLocale(connection, change),
        SafetySubscribeFrame subscribe => alerts.SubscribeAsync(connection, subscribe),
        CounsellorTakeFrame take => CounsellorAsync(connection, take.SessionId, take.RequestId, take.ClientMessageId, CounsellorActions.Take, null),
        CounsellorSayFrame say => CounsellorAsync(connection, say.SessionId, say.RequestId, say.ClientMessageId, CounsellorActions.Say, say.Text),
        CounsellorReleaseFrame release => CounsellorAsync(connection, release.SessionId, release.RequestId, release.ClientMessageId, CounsellorActions.Release, null),
        _ => Unexpected(connection, frame),
    };

    private async Task StartAsync(ClientConnection connection, SessionStartFrame frame)
    {
        if (string.IsNullOrWhiteSpace(frame.ScriptId))
        {
            connection.SendError(ErrorCodes.InvalidFrame, LocalText.Of("error.fieldEmpty", ("field", "scriptId")), frame.RequestId);
            return;
        }
        string? locale = null;
        if (frame.Locale is not null && !HeartRule.Localization.Locale.TryNormalize(frame.Locale, out locale))
        {
            connection.SendError(ErrorCodes.InvalidFrame, LocalText.Of("error.notALocale", ("field", "locale"), ("value", frame.Locale)), frame.RequestId);
            return;
        }
        if (frame.Debug == true && !MayDebug(connection, frame.RequestId, null)) return;
        var sessionId = Guid.NewGuid();
        // The first turn's trace: the bus carries it to Sessions, ScriptEngine, Persistence and back to the sockets.
        using var activity = GatewayActivities.StartTurn(GatewayActivities.SessionStart, sessionId);
        using var scope = logger.BeginScope("sessionId:{sessionId}", sessionId);
        await owners.RecordAsync(sessionId, connection.UserId);
        connection.OwnedSession = sessionId;
        // Subscribe (and claim the route) before publishing, so no event of the new session can miss this socket.
        var subscription = await subscriptions.AddAsync(connection, sessionId, frame.Debug ?? false, lastSeq: 0);
        await subscription.OpenAsync(
            () => connection.Send(new SessionStartedFrame { RequestId = frame.RequestId, SessionId = sessionId }),
            AsyncEnumerable.Empty<IReadOnlyList<RoutedFrame>>(), log, connection.Closed);
        if (!await TrySendAsync(connection, sessionId, frame.RequestId, new StartSession
        {
            SessionId = sessionId, UserId = connection.UserId, ScriptId = frame.ScriptId, ScriptVersion = frame.Version,
            InitialVariables = frame.InitialVariables, RequestId = frame.RequestId, RequestedAt = time.GetUtcNow(),
            Debug = frame.Debug ?? false,
            Roles = [.. connection.User.Roles],
            Locale = locale, ClientLocale = connection.Locale,
        })) return;
        logger.LogInformation("Session {SessionId} started on script {ScriptId} by user {UserId}", sessionId, frame.ScriptId, connection.UserId);
    }

    private async Task AttachAsync(ClientConnection connection, SessionAttachFrame frame)
    {
        if (frame.Debug == true && !MayDebug(connection, frame.RequestId, frame.SessionId)) return;
        if (!await CheckOwnerAsync(connection, frame.SessionId, frame.RequestId, observeWithDebug: frame.Debug == true)) return;
        var lastSeq = Math.Max(0, frame.LastSeq ?? 0);
        if (frame.Debug == true) await owners.MarkDebuggedAsync(frame.SessionId);
        var subscription = await subscriptions.AddAsync(connection, frame.SessionId, frame.Debug ?? false, lastSeq);
        // Live events that arrive during the replay wait behind it; what both carry is sent once.
        await subscription.OpenAsync(
            () => connection.Send(new SessionAttachedFrame { RequestId = frame.RequestId, SessionId = frame.SessionId }),
            log.ReadPagesAsync(frame.SessionId, lastSeq, null, options.SendQueueCapacity / 2, connection.Closed), log, connection.Closed);
    }

    private async Task InputAsync(ClientConnection connection, InputFrame frame)
    {
        if (string.IsNullOrWhiteSpace(frame.ClientMessageId))
        {
            connection.SendError(ErrorCodes.InvalidFrame, LocalText.Of("error.fieldEmpty", ("field", "clientMessageId")), frame.RequestId, frame.SessionId);
            return;
        }
        // One trace per turn, from here: the bus carries it to Sessions, ScriptEngine, Persistence and back to the sockets.
        using var activity = GatewayActivities.StartTurn(GatewayActivities.Input, frame.SessionId);
        using var scope = logger.BeginScope("sessionId:{sessionId}", frame.SessionId);
        if (connection.OwnedSession != frame.SessionId && !await CheckOwnerAsync(connection, frame.SessionId, frame.RequestId)) return;
        // Acked once the broker has confirmed the message: from then on the input is not lost.
        await TrySendAsync(connection, frame.SessionId, frame.RequestId, new SubmitInput
        {
            SessionId = frame.SessionId, UserId = connection.UserId, ClientMessageId = frame.ClientMessageId,
            RequestId = frame.RequestId, Text = frame.Text, ReceivedAt = time.GetUtcNow(),
            InputSeq = await owners.NextInputSeqAsync(frame.SessionId, frame.ClientMessageId),
            ReplyTo = new ReplyAddress(node.Id, connection.Id),
            ClientLocale = connection.Locale,
        }, new AckFrame { RequestId = frame.RequestId, ClientMessageId = frame.ClientMessageId });
    }

    /// <summary>
    /// A counsellor takes a flagged conversation over, speaks in it or hands it back. Numbered with the client's inputs
    /// and acked the same way; Sessions checks who holds the conversation, this checks who may ask at all.
    /// </summary>
    private async Task CounsellorAsync(ClientConnection connection, Guid sessionId, string requestId, string clientMessageId, string action, string? text)
    {
        if (!connection.User.IsCounsellor)
        {
            logger.LogWarning("User {UserId} sent a counsellor's {Action} without the counsellor role", connection.UserId, action);
            connection.SendError(ErrorCodes.Forbidden, LocalText.Of("error.counsellorRole"), requestId, sessionId);
            return;
        }
        if (string.IsNullOrWhiteSpace(clientMessageId) || (action == CounsellorActions.Say && string.IsNullOrWhiteSpace(text)))
        {
            var field = string.IsNullOrWhiteSpace(clientMessageId) ? "clientMessageId" : "text";
            connection.SendError(ErrorCodes.InvalidFrame, LocalText.Of("error.fieldEmpty", ("field", field)), requestId, sessionId);
            return;
        }
        using var scope = logger.BeginScope("sessionId:{sessionId}", sessionId);
        if (await ownership.GetOwnerAsync(sessionId, connection.Closed) is null)
        {
            connection.SendError(ErrorCodes.SessionNotFound, LocalText.Of("error.noSession", ("session", sessionId)), requestId, sessionId);
            return;
        }
        // Taking over starts a counsellor's reading of the conversation: only a flagged one, and it is audited.
        if (action == CounsellorActions.Take && !await transcript.MayObserveAsync(sessionId, connection.UserId, connection.User.Roles, false, connection.Closed))
        {
            connection.SendError(ErrorCodes.Forbidden, LocalText.Of("error.otherUsersSession"), requestId, sessionId);
            return;
        }
        await TrySendAsync(connection, sessionId, requestId, new CounsellorCommand
        {
            SessionId = sessionId, CounsellorId = connection.UserId, Roles = [.. connection.User.Roles], Action = action,
            ClientMessageId = clientMessageId, Text = text, RequestId = requestId, ReceivedAt = time.GetUtcNow(),
            InputSeq = await owners.NextInputSeqAsync(sessionId, clientMessageId),
            ReplyTo = new ReplyAddress(node.Id, connection.Id), ClientLocale = connection.Locale,
        }, new AckFrame { RequestId = requestId, ClientMessageId = clientMessageId });
    }

    /// <summary>
    /// Sends a command to the session's partition queue and waits for the broker's confirm, at most
    /// <see cref="GatewayOptions.AcceptTimeout"/>, then sends <paramref name="ack"/>. When the broker does not take it
    /// in time (it is down or restarting), the client is told at once to send it again — a retryable
    /// SERVICE_UNAVAILABLE, never silence. Either comes before anything the command caused: Sessions may answer before
    /// the confirm is back, so the socket's frames wait meanwhile.
    /// </summary>
    private async Task<bool> TrySendAsync<T>(ClientConnection connection, Guid sessionId, string? requestId, T command, AckFrame? ack = null) where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.Closed);
        timeout.CancelAfter(options.AcceptTimeout);
        Frame? first = null;
        connection.HoldFrames();
        try
        {
            var endpoint = await bus.GetSendEndpoint(SessionQueues.AddressOf(sessionId));
            await endpoint.Send(command, timeout.Token);
            first = ack;
            return true;
        }
        catch (Exception ex) when (!connection.Closed.IsCancellationRequested)
        {
            logger.LogWarning("The broker did not take {Command} of session {SessionId} within {Timeout}: {Error}",
                typeof(T).Name, sessionId, options.AcceptTimeout, ex.GetType().Name);
            first = connection.Error(ErrorCodes.ServiceUnavailable, LocalText.Of("error.brokerTimeout"), requestId, sessionId);
            return false;
        }
        finally
        {
            connection.ReleaseHeld(first);
        }
    }

    /// <summary>
    /// The owner may use a session. With <paramref name="observeWithDebug"/> set (an attach), the authors of the
    /// session's script may also watch it, read-only: their inputs still fail this check, since
    /// <see cref="ClientConnection.OwnedSession"/> is never set for them.
    /// </summary>
    private async Task<bool> CheckOwnerAsync(ClientConnection connection, Guid sessionId, string? requestId, bool? observeWithDebug = null)
    {
        var owner = await ownership.GetOwnerAsync(sessionId, connection.Closed);
        if (owner is null)
        {
            connection.SendError(ErrorCodes.SessionNotFound, LocalText.Of("error.noSession", ("session", sessionId)), requestId, sessionId);
            return false;
        }
        if (owner != connection.UserId && observeWithDebug is { } debug && connection.User.MayWatchOthers
            && await transcript.MayObserveAsync(sessionId, connection.UserId, connection.User.Roles, debug, connection.Closed))
        {
            logger.LogInformation("User {UserId} watches session {SessionId} of another user", connection.UserId, sessionId);
            return true;
        }
        if (owner != connection.UserId)
        {
            logger.LogWarning("User {UserId} tried to use session {SessionId} of another user", connection.UserId, sessionId);
            connection.SendError(ErrorCodes.Forbidden, LocalText.Of("error.otherUsersSession"), requestId, sessionId);
            return false;
        }
        connection.OwnedSession = sessionId;
        return true;
    }

    /// <summary>
    /// Debug frames hold the full LLM prompts: only authors and admins get them, and only on sessions they own (the
    /// owner check runs first). Anyone else is told so rather than silently attached without them.
    /// </summary>
    private bool MayDebug(ClientConnection connection, string? requestId, Guid? sessionId)
    {
        if (connection.User.MayDebug) return true;
        logger.LogWarning("User {UserId} asked for debug frames without an author or admin role", connection.UserId);
        connection.SendError(ErrorCodes.Forbidden, LocalText.Of("error.debugRoles"), requestId, sessionId);
        return false;
    }

    private static Task Pong(ClientConnection connection)
    {
        connection.Send(new PongFrame());
        return Task.CompletedTask;
    }

    private static Task Unexpected(ClientConnection connection, Frame frame)
    {
        connection.SendError(ErrorCodes.UnknownType, LocalText.Of("error.serverFrame", ("type", frame.Type)));
        return Task.CompletedTask;
    }

    /// <summary>locale.change: the socket's error messages from now on are in the closest language there is to the one asked for.</summary>
    private static Task ChangeLocale(ClientConnection connection, LocaleChangeFrame frame)
    {
        if (!HeartRule.Localization.Locale.TryNormalize(frame.Locale, out var tag))
        {
            connection.SendError(ErrorCodes.InvalidFrame, LocalText.Of("error.notALocale", ("field", "locale"), ("value", frame.Locale)), frame.RequestId);
            return Task.CompletedTask;
        }
        connection.Locale = Catalogue.Resolve(tag);
        connection.Send(new LocaleChangedFrame { RequestId = frame.RequestId, Locale = connection.Locale });
        return Task.CompletedTask;
    }
}
