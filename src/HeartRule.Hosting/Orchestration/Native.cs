using System.Runtime.InteropServices;

namespace HeartRule.Hosting.Orchestration;

/// <summary>The few POSIX calls .NET does not expose: sending a chosen signal, and who we run as.</summary>
internal static class Native
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint SysGetEffectiveUserId();

    public static bool IsRoot { get; } = OperatingSystem.IsLinux() && SysGetEffectiveUserId() == 0;

    public static bool Signal(int pid, int signal) => pid > 0 && SysKill(pid, signal) == 0;

    /// <summary>Signals a whole process group; our children lead their own (setsid), so pgid == their pid.</summary>
    public static bool SignalGroup(int pgid, int signal) => pgid > 1 && SysKill(-pgid, signal) == 0;

    public static string SignalName(int signal) => signal switch
    {
        SIGINT => "SIGINT",
        SIGKILL => "SIGKILL",
        SIGTERM => "SIGTERM",
        _ => $"signal {signal}",
    };
}
