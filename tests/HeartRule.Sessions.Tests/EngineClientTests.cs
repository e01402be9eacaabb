using System.Net;
using HeartRule.Sessions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace HeartRule.Sessions.Tests;

public class EngineClientTests
{
    [Fact]
    public void An_open_circuit_is_waited_out_like_any_other_transient_failure()
    {
        Assert.True(EngineClient.IsWorthRetrying(Outcome.FromException<HttpResponseMessage>(new BrokenCircuitException())));
        Assert.True(EngineClient.IsWorthRetrying(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("refused"))));
        Assert.True(EngineClient.IsWorthRetrying(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException())));
        Assert.True(EngineClient.IsWorthRetrying(Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable))));
    }

    [Fact]
    public void An_answer_or_a_refusal_is_not_asked_again()
    {
        Assert.False(EngineClient.IsWorthRetrying(Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.OK))));
        Assert.False(EngineClient.IsWorthRetrying(Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.BadRequest))));
        Assert.False(EngineClient.IsWorthRetrying(Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.Forbidden))));
        Assert.False(EngineClient.IsWorthRetrying(Outcome.FromException<HttpResponseMessage>(new InvalidOperationException())));
    }
}
