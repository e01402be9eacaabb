using System.Net.Http.Json;
using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Localization;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace HeartRule.Sessions;

/// <summary>Asks the ScriptEngine service to run one turn (POST /internal/turns, load-balanced over its instances).</summary>
public sealed class EngineClient(HttpClient http, ILogger<EngineClient> logger)
{
    // Relaxed escaping: the engine state is a JSON string inside the body, and the default encoder would write
    // each of its quotes as \u0022.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// What the engine call retries: the standard transient failures, and a broken circuit too. The standard retry
    /// gives up at once on an open circuit, which turned a few failed calls (an engine restarting, a broker away
    /// during its streaming) into turns answered with an error within the 3 minutes a turn may be retried; waiting
    /// out the break is what this caller wants, as the input waits unacknowledged on the broker meanwhile.
    /// </summary>
    public static bool IsWorthRetrying(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is BrokenCircuitException || HttpClientResiliencePredicates.IsTransient(outcome);

    /// <summary>
    /// The turn's result. When no engine answers — after the retries of the client's resilience pipeline
    /// (<see cref="Extensions"/>) — a turn that failed with a retryable error and left the state as it was, its
    /// message in <paramref name="locale"/> (the session's).
    /// </summary>
    public async Task<TurnExecuted> ExecuteAsync(ExecuteTurn request, string? locale, CancellationToken ct)
    {
        try
        {
            using var response = await http.PostAsJsonAsync("/internal/turns", request, Json, ct);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<TurnExecuted>(Json, ct)
                ?? throw new HttpRequestException("The script engine answered with an empty body.");
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or HttpRequestException or BrokenCircuitException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "The script engine did not run a turn of session {SessionId}", request.SessionId);
            var (code, key) = ex is TimeoutRejectedException
                ? (ErrorCodes.LlmTimeout, "error.engineTimeout")
                : (ErrorCodes.ServiceUnavailable, "error.engineUnreachable");
            return TurnExecuted.Failed(new ErrorInfo(code, Catalogue.Get(locale, key), true), request.StateJson);
        }
    }
}
