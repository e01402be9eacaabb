using System.Runtime.Versioning;
using HeartRule.Play;

// podman and nginx: Linux only.
[assembly: SupportedOSPlatform("linux")]

// eng/deploy.sh play's helper (docs/deploy.md, "Played for real here"):
//   overlay  MANIFESTS OUT [--port-base N]   the rendered manifests as podman pods, and nginx as ingress-nginx
//   converse --url wss://… --signing-key KEY [--pod-command CMD]   the load-test check-in, each service's pods stopped
//                                                                  and started again during its turns
return args switch
{
    ["overlay", var manifests, var output, ..] => Overlay.Write(manifests, output, PortBase(args)),
    ["converse", ..] => await Converse.RunAsync(Option(args, "--url"), Option(args, "--signing-key"), OptionalOption(args, "--pod-command")),
    _ => Usage()
};

static int PortBase(string[] args) => int.Parse(OptionalOption(args, "--port-base") ?? "18400", System.Globalization.CultureInfo.InvariantCulture);

static string Option(string[] args, string name) =>
    OptionalOption(args, name) ?? throw new ArgumentException($"{name} is required");

static string? OptionalOption(string[] args, string name) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static int Usage()
{
    Console.Error.WriteLine("usage: HeartRule.Play overlay MANIFESTS OUT [--port-base N] | converse --url URL --signing-key KEY [--pod-command CMD]");
    return 2;
}
