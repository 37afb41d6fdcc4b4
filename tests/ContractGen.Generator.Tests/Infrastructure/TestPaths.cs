using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace ContractGen.Generator.Tests.Infrastructure;

/// <summary>Paths the build stamps into this assembly (see the project file), so tests never guess at directories.</summary>
internal static class TestPaths
{
    /// <summary>The test project's source directory: snapshots are read from and written to it, not to bin/.</summary>
    public static string ProjectDirectory { get; } = GetMetadata("ProjectDirectory");

    /// <summary>MemoryPack's generator from its NuGet package, run beside ContractGen's so that [MemoryPackable] test types get formatters.</summary>
    public static string MemoryPackGenerator { get; } = GetMetadata("MemoryPackGeneratorPath");

    private static string GetMetadata(string key)
    {
        var value = typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value;
        if (string.IsNullOrEmpty(value))
        {
            throw new InvalidOperationException($"The test assembly has no '{key}' metadata; it is set in ContractGen.Generator.Tests.csproj.");
        }

        return Path.GetFullPath(value);
    }
}
