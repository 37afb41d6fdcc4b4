using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using DiffPlex;
using DiffPlex.Model;
using Xunit;

namespace ContractGen.Generator.Tests.Infrastructure;

/// <summary>
/// Expected generated files, checked in as <c>Snapshots/&lt;TestClass&gt;/&lt;TestMethod&gt;/&lt;hint name&gt;.verified.cs</c>.
/// Compared after normalising line endings and the generator's version; <c>CONTRACTGEN_UPDATE_SNAPSHOTS=1</c> rewrites
/// them instead, and deletes snapshot files that no test produces any more.
/// </summary>
internal static class Snapshots
{
    public const string UpdateVariable = "CONTRACTGEN_UPDATE_SNAPSHOTS";
    public const string Extension = ".verified.cs";

    /// <summary>What the generator's version becomes in a snapshot, so a version bump does not touch every file.</summary>
    public const string VersionPlaceholder = "<version>";

    private const int DiffContextLines = 3;
    private const int MaxDiffLines = 60;

    private static readonly Regex GeneratedCodeVersion = new(
        "(GeneratedCode\\(\"ContractGen\", \")[^\"]*(\"\\))", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private static readonly Lazy<int> OrphansDeleted = new(DeleteOrphanedDirectories);

    public static string Root { get; } = Path.Combine(TestPaths.ProjectDirectory, "Snapshots");

    public static bool UpdateRequested => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>
    /// Compares <paramref name="files"/> with the snapshots of <paramref name="testClass"/>.<paramref name="testMethod"/>
    /// (or rewrites them in update mode). Files must match one to one: a missing or an extra snapshot fails too.
    /// </summary>
    public static void Verify(IReadOnlyList<GeneratedFile> files, string testClass, string testMethod)
    {
        Assert.NotEmpty(files);
        var directory = Path.Combine(Root, testClass, testMethod);
        var expectedPaths = files.ToDictionary(f => Path.Combine(directory, FileName(f.HintName)), f => Normalize(f.Text), StringComparer.Ordinal);
        var existing = Directory.Exists(directory) ? Directory.GetFiles(directory) : Array.Empty<string>();

        if (UpdateRequested)
        {
            _ = OrphansDeleted.Value;
            Directory.CreateDirectory(directory);
            foreach (var (path, text) in expectedPaths)
            {
                if (!File.Exists(path) || File.ReadAllText(path) != text)
                {
                    File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                }
            }

            foreach (var stale in existing.Where(p => !expectedPaths.ContainsKey(p)))
            {
                File.Delete(stale);
            }

            return;
        }

        var failures = new List<string>();
        foreach (var (path, text) in expectedPaths)
        {
            if (!File.Exists(path))
            {
                failures.Add($"No snapshot for the generated file '{Path.GetFileName(path)}'. Expected it at:\n  {path}");
                continue;
            }

            if (Compare(Normalize(File.ReadAllText(path)), text, path) is { } mismatch)
            {
                failures.Add(mismatch);
            }
        }

        foreach (var stale in existing.Where(p => !expectedPaths.ContainsKey(p)))
        {
            failures.Add($"The snapshot '{stale}' matches no generated file (was a contract renamed or removed?).");
        }

        if (failures.Count > 0)
        {
            Assert.Fail(string.Join("\n\n", failures) + $"\n\nIf the new output is right, run the tests with {UpdateVariable}=1 and review the change to the snapshot files.");
        }
    }

    /// <summary>The snapshot file name of a hint name: <c>A.B.g.cs</c> → <c>A.B.g.verified.cs</c>.</summary>
    public static string FileName(string hintName)
        => (hintName.EndsWith(".cs", StringComparison.Ordinal) ? hintName[..^3] : hintName) + Extension;

    /// <summary>Line endings to <c>\n</c>, and the generator version to <see cref="VersionPlaceholder"/>.</summary>
    public static string Normalize(string text)
        => GeneratedCodeVersion.Replace(text.Replace("\r\n", "\n", StringComparison.Ordinal), "${1}" + VersionPlaceholder + "${2}");

    /// <summary>Null when equal; otherwise where the texts first differ, the file to update and a unified diff.</summary>
    public static string? Compare(string expected, string actual, string path)
    {
        if (expected == actual)
        {
            return null;
        }

        var diff = Differ.Instance.CreateLineDiffs(expected, actual, ignoreWhitespace: false, ignoreCase: false);
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        var message = new StringBuilder();
        var first = diff.DiffBlocks.FirstOrDefault();
        message.Append("The generated file differs from its snapshot");
        if (first is not null)
        {
            message.Append(" from line ").Append(first.DeleteStartA + 1);
        }

        message.Append(":\n  ").Append(path).Append('\n');
        message.Append("--- snapshot\n+++ generated\n");
        message.Append(UnifiedDiff(diff, expectedLines, actualLines));
        return message.ToString();
    }

    // Hunks of a unified diff, with a few lines of context, cut after about MaxDiffLines lines.
    private static string UnifiedDiff(DiffResult diff, string[] expected, string[] actual)
    {
        var lines = new List<string>();
        var shownBlocks = 0;
        foreach (var block in diff.DiffBlocks)
        {
            if (lines.Count >= MaxDiffLines)
            {
                break;
            }

            var start = Math.Max(0, block.DeleteStartA - DiffContextLines);
            var end = Math.Min(expected.Length, block.DeleteStartA + block.DeleteCountA + DiffContextLines);
            var startB = start + (block.InsertStartB - block.DeleteStartA);
            var countB = end - start - block.DeleteCountA + block.InsertCountB;
            lines.Add($"@@ -{start + 1},{end - start} +{startB + 1},{countB} @@");
            lines.AddRange(expected[start..block.DeleteStartA].Select(l => " " + l));
            lines.AddRange(expected.Skip(block.DeleteStartA).Take(block.DeleteCountA).Select(l => "-" + l));
            lines.AddRange(actual.Skip(block.InsertStartB).Take(block.InsertCountB).Select(l => "+" + l));
            lines.AddRange(expected[(block.DeleteStartA + block.DeleteCountA)..end].Select(l => " " + l));
            shownBlocks++;
        }

        if (shownBlocks < diff.DiffBlocks.Count)
        {
            lines.Add($"... and {diff.DiffBlocks.Count - shownBlocks} more changed region(s)");
        }

        return string.Join("\n", lines);
    }

    /// <summary>
    /// Deletes <c>Snapshots/&lt;TestClass&gt;/&lt;TestMethod&gt;</c> directories whose test no longer exists. Decided from
    /// the test methods in this assembly, not from the tests that ran, so a filtered run deletes nothing it should keep.
    /// </summary>
    private static int DeleteOrphanedDirectories()
    {
        if (!Directory.Exists(Root))
        {
            return 0;
        }

        var tests = typeof(Snapshots).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any())
                .Select(m => Path.Combine(Root, t.Name, m.Name)))
            .ToHashSet(StringComparer.Ordinal);
        var deleted = 0;
        foreach (var classDirectory in Directory.GetDirectories(Root))
        {
            foreach (var methodDirectory in Directory.GetDirectories(classDirectory).Where(d => !tests.Contains(d)))
            {
                Directory.Delete(methodDirectory, recursive: true);
                deleted++;
            }

            foreach (var stray in Directory.GetFiles(classDirectory))
            {
                File.Delete(stray);
                deleted++;
            }

            if (Directory.GetFileSystemEntries(classDirectory).Length == 0)
            {
                Directory.Delete(classDirectory);
            }
        }

        return deleted;
    }
}
