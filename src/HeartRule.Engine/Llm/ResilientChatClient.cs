using System.ClientModel;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace HeartRule.Engine;

/// <summary>
/// Adds a per-attempt timeout and retries with exponential back-off on transient failures. A stream is
/// retried only before its first update: once text reached the listener, replaying it would duplicate it.
/// </summary>
public sealed class ResilientChatClient(IChatClient inner, TimeSpan timeout, int maxRetries, TimeSpan baseDelay, TimeProvider? time = null)
    : DelegatingChatClient(inner)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        for (var attempt = 0; ; attempt++)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            try
            {
                return await base.GetResponseAsync(list, options, cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && attempt < maxRetries && IsTransient(ex, cts))
            {
                await Task.Delay(Delay(attempt), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && cts.IsCancellationRequested)
            {
                throw new LlmTimeoutException($"No answer within {timeout.TotalSeconds:0.#} s", ex);
            }
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        for (var attempt = 0; ; attempt++)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            IAsyncEnumerator<ChatResponseUpdate>? enumerator = null;
            ChatResponseUpdate? first;
            var retry = false;
            try
            {
                enumerator = base.GetStreamingResponseAsync(list, options, cts.Token).GetAsyncEnumerator(cts.Token);
                first = await enumerator.MoveNextAsync().ConfigureAwait(false) ? enumerator.Current : null;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && attempt < maxRetries && IsTransient(ex, cts))
            {
                first = null;
                retry = true;
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && cts.IsCancellationRequested)
            {
                if (enumerator is not null) await enumerator.DisposeAsync().ConfigureAwait(false);
                throw new LlmTimeoutException($"No answer within {timeout.TotalSeconds:0.#} s", ex);
            }
            if (retry)
            {
                if (enumerator is not null) await enumerator.DisposeAsync().ConfigureAwait(false);
                await Task.Delay(Delay(attempt), _time, cancellationToken).ConfigureAwait(false);
                continue;
            }
            await using (enumerator)
            {
                if (first is null) yield break;
                yield return first;
                while (true)
                {
                    ChatResponseUpdate next;
                    try
                    {
                        if (!await enumerator!.MoveNextAsync().ConfigureAwait(false)) break;
                        next = enumerator.Current;
                    }
                    catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && cts.IsCancellationRequested)
                    {
                        throw new LlmTimeoutException($"The stream stalled beyond {timeout.TotalSeconds:0.#} s", ex);
                    }
                    yield return next;
                }
            }
            yield break;
        }
    }

    private TimeSpan Delay(int attempt) => TimeSpan.FromTicks(baseDelay.Ticks * (1L << Math.Min(attempt, 10)));

    internal static bool IsTransient(Exception ex, CancellationTokenSource attemptCts) => ex switch
    {
        OperationCanceledException => attemptCts.IsCancellationRequested,
        ClientResultException c => c.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException h => h.StatusCode is null or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int?)h.StatusCode >= 500,
        IOException => true,
        _ => ex.InnerException is { } inner && IsTransient(inner, attemptCts),
    };
}
