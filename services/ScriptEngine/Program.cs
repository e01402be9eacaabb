using HeartRule.ScriptEngine;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddScriptEngine();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapTurnEndpoints();
app.Run();
