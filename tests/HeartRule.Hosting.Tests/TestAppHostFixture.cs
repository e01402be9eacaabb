using HeartRule.Hosting.Testing;

namespace HeartRule.Hosting.Tests;

/// <summary>
/// The miniature AppHost (TestAppHost: redis "cache", two replicas of "api", a "worker" referencing them),
/// run through its own Program by the testing entry, once for the tests of the collection.
/// </summary>
public sealed class TestAppHostFixture : IAsyncLifetime
{
    public DistributedApplication App { get; private set; } = null!;

    public async Task InitializeAsync() =>
        App = await DistributedApplicationTestingBuilder.StartAsync<Projects.HeartRule_Hosting_TestAppHost>();

    public async Task DisposeAsync() => await App.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class TestAppHostCollection : ICollectionFixture<TestAppHostFixture>
{
    public const string Name = "TestAppHost";
}
