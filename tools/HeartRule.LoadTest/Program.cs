using HeartRule.LoadTest;

// The HeartRule load tool (docs/benchmarks.md). Modes:
//   idle   --target heartrule|signalr --urls U[,U2] --connections N [--workers W] --sources 127.0.0.2-127.0.0.9 --pids P[,P2] [--settle S] [--hold S]
//   turns  --urls U[,U2] --conversations M --rate R [--warmup S] [--duration S] [--script loadtest] [--procs name=pid,...] [--no-debug] [--json result.json]
//   ratio  --base a.json[,a2.json] --new b.json[,b2.json]   (CPU per turn side by side: compare.sh)
//   echo   --target heartrule|signalr --urls U --connections C --rate R [--warmup S] [--duration S] [--pids P]
//   screen [--rounds N]   (the safety screen and reply check per input, in process)
//   alert  --urls U0,U1 [--crises N]   (a crisis on U0 → safety.alert to a counsellor on U1)
//   worker (started by idle; not for people)
// Traffic goes only to 127.0.0.0/8; every loop is bounded by the run's duration.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: HeartRule.LoadTest idle|turns|echo|ratio|screen|alert --option value … (see docs/benchmarks.md)");
    return 2;
}
var options = new CommandLine(args.Skip(1));
try
{
    return args[0] switch
    {
        "idle" => await IdleCommand.RunAsync(options),
        "worker" => await IdleWorker.RunAsync(options),
        "turns" => await TurnsCommand.RunAsync(options),
        "echo" => await EchoCommand.RunAsync(options),
        "ratio" => RatioCommand.Run(options),
        "screen" => ScreenCommand.Run(options),
        "alert" => await AlertCommand.RunAsync(options),
        _ => throw new ArgumentException($"Unknown mode \"{args[0]}\"."),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
