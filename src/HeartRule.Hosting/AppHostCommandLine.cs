namespace HeartRule.Hosting;

internal enum AppHostCommand
{
    Run,
    /// <summary><c>wipe</c>: delete the data folders and exit.</summary>
    Wipe,
}

/// <summary>
/// The AppHost's own words on its command line: <c>wipe [resource...]</c> (delete data, exit) and
/// <c>--wipe</c> (delete data, then run). Everything else is configuration (<c>--Ports:postgres=25432</c>).
/// </summary>
internal static class AppHostCommandLine
{
    public static (string[] ConfigurationArgs, AppHostCommand Command) Parse(DistributedApplicationOptions options)
    {
        var args = options.Args.ToList();
        var command = AppHostCommand.Run;
        if (args.Count > 0 && args[0] == "wipe")
        {
            command = AppHostCommand.Wipe;
            args.RemoveAt(0);
            options.WipeResources = [.. args.TakeWhile(a => !a.StartsWith('-'))];
            args.RemoveRange(0, options.WipeResources.Count);
        }
        if (args.Remove("--wipe"))
        {
            options.Wipe = true;
        }
        return ([.. args], command);
    }
}
