// The whole of HeartRule: infrastructure, the four services, and how they find each other.
// Written as an Aspire AppHost so that moving to real Aspire changes this project only.
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres");
var db = postgres.AddDatabase("heartrule");
var redis = builder.AddRedis("redis");
var messaging = builder.AddRabbitMQ("messaging");

var persistence = builder.AddProject<Projects.HeartRule_Persistence>("persistence")
    .WithReference(db).WithReference(messaging)
    .WaitFor(db).WaitFor(messaging);

var scriptEngine = builder.AddProject<Projects.HeartRule_ScriptEngine>("scriptengine")
    .WithReference(messaging).WithReference(persistence)
    .WaitFor(messaging).WaitFor(persistence);

var sessions = builder.AddProject<Projects.HeartRule_Sessions>("sessions")
    .WithReference(redis).WithReference(messaging).WithReference(persistence)
    .WaitFor(redis).WaitFor(messaging).WaitFor(persistence)
    .WithReplicas(builder.Configuration.GetValue("Replicas:sessions", 1));

builder.AddProject<Projects.HeartRule_Gateway>("gateway")
    .WithReference(redis).WithReference(messaging).WithReference(persistence).WithReference(sessions)
    .WaitFor(redis).WaitFor(messaging).WaitFor(sessions).WaitFor(scriptEngine)
    .WithExternalHttpEndpoints()
    .WithUrl("/", "Chat page")
    // Two nodes by default: every session may have sockets on either (--Replicas:gateway=N to change).
    .WithReplicas(builder.Configuration.GetValue("Replicas:gateway", 2));

builder.Build().Run();
