var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();

app.MapGet("/health", () => "Healthy");

// What the AppHost injected: the test compares it with the model.
app.MapGet("/env", () => Environment.GetEnvironmentVariables()
    .Cast<System.Collections.DictionaryEntry>()
    .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? ""));

app.MapGet("/pid", () => Environment.ProcessId);

// A crash the test can cause: answer first, then die with a distinctive code.
app.MapPost("/crash", () =>
{
    _ = Task.Run(async () =>
    {
        await Task.Delay(50);
        Environment.Exit(3);
    });
    return "crashing";
});

app.Run();
