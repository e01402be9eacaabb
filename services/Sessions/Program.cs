using HeartRule.Infrastructure;
using HeartRule.Sessions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSessions();

var app = builder.Build();
app.UseHeartRuleProblems();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapSessionsApi();
app.Run();
