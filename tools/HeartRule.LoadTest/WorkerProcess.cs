using System.Diagnostics;

namespace HeartRule.LoadTest;

/// <summary>
/// A child process of this same tool running one share of the connections: a process may hold at most
/// 20,000 open files on this machine, so large runs are spread over several. It talks in lines: it writes
/// "status …", "ready …", "done …"; it is told "stop" on its standard input.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process, int index)
    {
        _process = process;
        Index = index;
    }

    public int Index { get; }
    public int Pid => _process.Id;
    public WorkerStatus Status { get; private set; } = new(0, 0, 0);
    public Task Ready => _ready.Task;
    public Task<string> Done => _done.Task;

    public static WorkerProcess Start(int index, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo
        {
            FileName = Environment.ProcessPath!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        // Run as "dotnet tool.dll …" or as the apphost, whichever started us.
        if (Path.GetFileNameWithoutExtension(info.FileName) == "dotnet") info.ArgumentList.Add(typeof(WorkerProcess).Assembly.Location);
        info.ArgumentList.Add("worker");
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start a worker process.");
        var worker = new WorkerProcess(process, index);
        _ = Task.Run(worker.ReadAsync);
        return worker;
    }

    public async Task StopAsync()
    {
        try
        {
            await _process.StandardInput.WriteLineAsync("stop");
            await _process.StandardInput.FlushAsync();
        }
        catch (IOException)
        {
            // It has already exited.
        }
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (WorkerStatus.TryParse(line, out var status)) Status = status;
            if (line.StartsWith("ready", StringComparison.Ordinal)) _ready.TrySetResult();
            else if (line.StartsWith("done", StringComparison.Ordinal)) _done.TrySetResult(line);
            else if (!line.StartsWith("status", StringComparison.Ordinal)) Console.WriteLine($"  [worker {Index}] {line}");
        }
        _ready.TrySetException(new InvalidOperationException($"Worker {Index} exited before it was ready."));
        _done.TrySetResult("done (exited)");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            // Only this tool's own child, by its handle.
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

/// <summary>What a worker reports: sockets open now, attempts that failed, sockets that closed after opening.</summary>
public sealed record WorkerStatus(int Connected, int Failed, int Closed)
{
    public int Held => Connected - Closed;

    public string Format(string kind) => $"{kind} connected={Connected} failed={Failed} closed={Closed}";

    public static bool TryParse(string line, out WorkerStatus status)
    {
        status = new WorkerStatus(0, 0, 0);
        var parts = line.Split(' ').Select(p => p.Split('=')).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("connected", out var c) || !parts.TryGetValue("failed", out var f) || !parts.TryGetValue("closed", out var x)) return false;
        status = new WorkerStatus(int.Parse(c, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(f, System.Globalization.CultureInfo.InvariantCulture), int.Parse(x, System.Globalization.CultureInfo.InvariantCulture));
        return true;
    }
}
