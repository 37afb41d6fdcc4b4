using System.Reflection;

namespace ContractGen.Hosting.Tests.Infrastructure;

/// <summary>Where things are: the test project's sources, the test daemon, the dotnet host.</summary>
internal static class TestPaths
{
    /// <summary>The test project's source directory (stamped into the assembly by the project file).</summary>
    public static string ProjectDirectory { get; } =
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProjectDirectory").Value!;

    /// <summary>The test daemon, built beside the tests.</summary>
    public static string DaemonDll { get; } = Path.Combine(AppContext.BaseDirectory, "ContractGen.Hosting.TestDaemon.dll");

    /// <summary>The dotnet executable that runs the tests, as an absolute path (activators do not search PATH reliably).</summary>
    public static string DotnetHost { get; } = FindDotnet();

    private static string FindDotnet()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(d => Path.Combine(d, "dotnet"))
            .FirstOrDefault(File.Exists);
        return onPath ?? throw new InvalidOperationException("Cannot find the dotnet executable (DOTNET_HOST_PATH or PATH).");
    }

    /// <summary>A new private directory with a short path (Unix socket paths hold at most 107 bytes).</summary>
    public static string CreateTempDirectory() => Directory.CreateTempSubdirectory("cgh-").FullName;

    /// <summary>Removes a temporary directory, ignoring what is already gone.</summary>
    public static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
