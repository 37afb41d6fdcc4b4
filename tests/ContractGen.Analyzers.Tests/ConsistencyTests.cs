using System.Globalization;
using System.Reflection;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace ContractGen.Analyzers.Tests;

/// <summary>
/// The checklist for a new diagnostic (docs/architecture.md), enforced: every descriptor has a unique ID that
/// <see cref="DiagnosticIds"/> defines, is reported by one analyzer, has a line in AnalyzerReleases.Unshipped.md (or
/// Shipped), a docs page its help link points at, and a test that expects it.
/// </summary>
public sealed class ConsistencyTests
{
    /// <summary>The checkout the tests run from (the directory of ContractGen.sln).</summary>
    internal static readonly string RepositoryRoot = FindRepositoryRoot();

    public static TheoryData<string> DescriptorIds => new(AllDescriptors().Select(d => d.Id));

    [Fact]
    public void Descriptor_ids_are_unique_and_cover_every_diagnostic_id()
    {
        var descriptors = AllDescriptors();
        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Id).Distinct(StringComparer.Ordinal).Count());

        // A problem the parser can raise but no descriptor describes would make the generator skip a contract silently.
        var ids = typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal);
        Assert.Equal(ids, descriptors.Select(d => d.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_descriptor_is_reported_by_an_analyzer()
    {
        // Each rule may have an analyzer of its own (a transfer rule is reported by the structure analyzer for a parameter
        // and by its rule analyzer inside a type): together they support every descriptor, and nothing else.
        var supported = AllAnalyzers().SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Distinct(StringComparer.Ordinal);
        Assert.Equal(AllDescriptors().Select(d => d.Id).Order(StringComparer.Ordinal), supported.Order(StringComparer.Ordinal));
    }

    /// <summary>Every analyzer the assembly exports, as the compiler finds them.</summary>
    internal static List<DiagnosticAnalyzer> AllAnalyzers()
        => typeof(ContractStructureAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToList();

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Descriptor_follows_the_conventions(string id)
    {
        var descriptor = Descriptor(id);
        Assert.Matches("^CGEN[1-49][0-9]{3}$", id);
        Assert.Equal($"https://github.com/contractgen/contractgen/blob/main/docs/diagnostics/{id}.md", descriptor.HelpLinkUri);
        Assert.StartsWith("ContractGen.", descriptor.Category, StringComparison.Ordinal);
        Assert.True(descriptor.IsEnabledByDefault);

        // A title is a noun phrase; a message is one sentence that says what to do; a description is whole sentences.
        var title = descriptor.Title.ToString(CultureInfo.InvariantCulture);
        var message = descriptor.MessageFormat.ToString(CultureInfo.InvariantCulture);
        var description = descriptor.Description.ToString(CultureInfo.InvariantCulture);
        Assert.False(title.EndsWith('.'), title);
        Assert.False(message.EndsWith('.'), message);
        Assert.DoesNotContain(". ", message, StringComparison.Ordinal);
        Assert.True(description.EndsWith('.'), description);
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Descriptor_has_a_release_tracking_line(string id)
    {
        var descriptor = Descriptor(id);
        var analyzerDirectory = Path.Combine(RepositoryRoot, "analyzers", "ContractGen.Analyzers");
        var lines = File.ReadAllLines(Path.Combine(analyzerDirectory, "AnalyzerReleases.Unshipped.md"))
            .Concat(File.ReadAllLines(Path.Combine(analyzerDirectory, "AnalyzerReleases.Shipped.md")))
            .Where(l => l.StartsWith(id + " ", StringComparison.Ordinal))
            .ToList();
        var cells = Assert.Single(lines).Split('|').Select(c => c.Trim()).ToArray();
        Assert.Equal(descriptor.Category, cells[1]);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), cells[2]);
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Descriptor_has_a_docs_page(string id)
    {
        var page = Path.Combine(RepositoryRoot, "docs", "diagnostics", id + ".md");
        Assert.True(File.Exists(page), $"Missing {page}");
        var text = File.ReadAllText(page);
        Assert.StartsWith($"# {id}: ", text, StringComparison.Ordinal);
        foreach (var section in new[] { "## Why", "## How to fix", "## Example" })
        {
            Assert.Contains(section, text, StringComparison.Ordinal);
        }

        // A bad and a good example.
        Assert.True(text.Split("```csharp").Length >= 3, $"{page} needs a bad and a good C# example");
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Descriptor_is_expected_by_a_test(string id)
    {
        // Markup {|CGENxxxx:...|} pins the ID to its span (tests that also check message arguments use {|#n:...|}).
        var testDirectory = Path.Combine(RepositoryRoot, "tests", "ContractGen.Analyzers.Tests");
        var expecting = Directory.EnumerateFiles(testDirectory, "*Tests.cs")
            .Where(f => Path.GetFileName(f) != nameof(ConsistencyTests) + ".cs")
            .Select(File.ReadAllText)
            .Count(text => text.Contains("{|" + id + ":", StringComparison.Ordinal));
        Assert.True(expecting > 0, $"No test in {testDirectory} expects {id}: add one with markup {{|{id}:...|}}");
    }

    internal static List<DiagnosticDescriptor> AllDescriptors()
        => typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToList();

    private static DiagnosticDescriptor Descriptor(string id) => AllDescriptors().Single(d => d.Id == id);

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ContractGen.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ContractGen.sln above {AppContext.BaseDirectory}");
    }
}
