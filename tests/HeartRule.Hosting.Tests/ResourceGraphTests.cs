using HeartRule.Hosting.ApplicationModel;

namespace HeartRule.Hosting.Tests;

public class ResourceGraphTests
{
    [Fact]
    public void Everything_starts_after_what_it_waits_for_and_databases_after_their_server()
    {
        var order = ResourceGraph.TopologicalOrder(TestModel.HeartRule().Resources).Select(r => r.Name).ToList();

        void Before(string first, string then) =>
            Assert.True(order.IndexOf(first) < order.IndexOf(then), $"{first} should start before {then}: {string.Join(", ", order)}");

        Before("postgres", "heartrule");
        Before("heartrule", "persistence");
        Before("messaging", "persistence");
        Before("persistence", "scriptengine");
        Before("persistence", "sessions");
        Before("redis", "sessions");
        Before("sessions", "gateway");
        Before("scriptengine", "gateway");
        Assert.Equal(TestModel.HeartRule().Resources.Count, order.Distinct().Count());
    }

    [Fact]
    public void A_wait_for_cycle_is_reported_with_its_path()
    {
        var builder = TestModel.CreateBuilder();
        var a = builder.AddProject<TestModel.Gateway>("a");
        var b = builder.AddProject<TestModel.Sessions>("b");
        var c = builder.AddProject<TestModel.Persistence>("c");
        a.WaitFor(b);
        b.WaitFor(c);
        c.WaitFor(a);

        var error = Assert.Throws<DistributedApplicationException>(() => ResourceGraph.TopologicalOrder(builder.Resources));

        Assert.Contains("cycle", error.Message);
        Assert.Contains("a -> b -> c -> a", error.Message);
        // Build refuses it too, before anything starts.
        Assert.Throws<DistributedApplicationException>(() => builder.Build());
    }

    [Fact]
    public void References_alone_do_not_order_the_start()
    {
        // Two services that call each other are fine as long as neither waits for the other.
        var builder = TestModel.CreateBuilder();
        var a = builder.AddProject<TestModel.Gateway>("a");
        var b = builder.AddProject<TestModel.Sessions>("b");
        a.WithReference(b);
        b.WithReference(a);

        Assert.Equal(2, ResourceGraph.TopologicalOrder(builder.Resources).Count);
    }

    [Fact]
    public void Waiting_for_a_resource_outside_the_application_is_rejected()
    {
        var builder = TestModel.CreateBuilder();
        var stranger = new RedisResource("stranger");
        builder.AddProject<TestModel.Gateway>("gateway").Resource.WaitFor.Add(stranger);

        var error = Assert.Throws<DistributedApplicationException>(() => ResourceGraph.TopologicalOrder(builder.Resources));
        Assert.Contains("stranger", error.Message);
    }

    [Fact]
    public void Resource_names_are_unique_and_usable_in_variable_names()
    {
        var builder = TestModel.CreateBuilder();
        builder.AddRedis("redis");

        Assert.Throws<DistributedApplicationException>(() => builder.AddRedis("redis"));
        Assert.Throws<ArgumentException>(() => builder.AddRedis("My_Redis"));
    }
}
