using HeartRule.Gateway;
using HeartRule.Gateway.Auth;
using HeartRule.Gateway.Connections;
using HeartRule.Gateway.Pages;
using HeartRule.Gateway.Routing;
using HeartRule.Infrastructure;

// The pages are copied into the build output; serve them from there, wherever the process was started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});
builder.AddServiceDefaults();
builder.AddGateway();

var app = builder.Build();
app.UseHeartRuleProblems();

// Only for handshakes that reach HTTP (WebSocketFallback); the others never get this far.
app.UseWebSockets();
app.UsePages();

app.MapDefaultEndpoints();
app.MapPageTexts();
if (app.Environment.IsDevelopment()) app.MapDevTokenEndpoints();
app.MapWebSocketFallback();
app.MapReverseProxy();
app.Lifetime.ApplicationStopping.Register(() =>
{
    app.Services.GetRequiredService<WebSocketEndpoint>().CloseAllForRestart();
    // Bounded: a Redis that is gone too must not hold the shutdown; the routes' leases lapse anyway.
    app.Services.GetRequiredService<LocalSubscriptions>().ReleaseAllAsync().Wait(TimeSpan.FromSeconds(3));
});
app.Run();
