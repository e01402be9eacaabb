using HeartRule.SignalRBaseline;

// The baseline for docs/benchmarks.md: the smallest ASP.NET Core SignalR server that holds connections and
// echoes messages, run beside the Gateway so its figures can be given as ratios to this one. Nothing here
// is tuned: it is SignalR as a team would first deploy it.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSignalR(o =>
{
    // The same frame limit as the Gateway's (1 MiB), so neither side gets a cheaper reader.
    o.MaximumReceiveMessageSize = 1024 * 1024;
});

var app = builder.Build();
app.UseWebSockets();
app.MapHub<EchoHub>(EchoHub.Path);
app.MapRawWebSockets();
app.MapGet("/health", () => "ok");
app.Run();
