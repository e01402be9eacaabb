var builder = DistributedApplication.CreateBuilder(args);

var cache = builder.AddRedis("cache");

var api = builder.AddProject<Projects.HeartRule_Hosting_TestApp>("api")
    .WithReference(cache).WaitFor(cache)
    .WithEnvironment("GREETING", "hello")
    .WithReplicas(2);

builder.AddProject<Projects.HeartRule_Hosting_TestApp>("worker")
    .WithReference(api).WaitFor(api)
    .WithExternalHttpEndpoints()
    .WithUrl("/", "Home");

builder.Build().Run();
