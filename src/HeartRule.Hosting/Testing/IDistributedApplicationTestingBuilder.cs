namespace HeartRule.Hosting.Testing;

/// <summary>The builder of an AppHost under test: the same resources, which the test may still change before <see cref="BuildAsync"/>.</summary>
public interface IDistributedApplicationTestingBuilder : IDistributedApplicationBuilder, IAsyncDisposable
{
    Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default);
}
