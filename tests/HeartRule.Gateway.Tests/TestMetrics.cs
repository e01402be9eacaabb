using System.Diagnostics.Metrics;
using HeartRule.Gateway.Connections;
using HeartRule.Gateway.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace HeartRule.Gateway.Tests;

/// <summary>Gateway instruments on a meter factory of their own: what one test counts, no test running beside it sees.</summary>
internal static class TestMetrics
{
    public static (GatewayMetrics Metrics, IMeterFactory Meters) Create()
    {
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        return (new GatewayMetrics(meters, new ConnectionRegistry(), new NodeIdentity()), meters);
    }

    public static GatewayMetrics Unobserved() => Create().Metrics;
}
