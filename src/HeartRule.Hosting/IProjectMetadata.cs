namespace HeartRule.Hosting;

/// <summary>
/// What the generated <c>Projects.*</c> classes carry about a referenced service project
/// (see build/HeartRule.Hosting.AppHost.targets), as Aspire's <c>IProjectMetadata</c>.
/// </summary>
public interface IProjectMetadata
{
    /// <summary>Full path of the project file.</summary>
    string ProjectPath { get; }

    /// <summary>The built assembly, launched with <c>dotnet</c>; null falls back to <c>dotnet run</c>.</summary>
    string? AssemblyPath => null;
}
