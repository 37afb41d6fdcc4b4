using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ContractGen.Analyzers.Tests;

/// <summary>A code-fix test of any ContractGen analyzer and fix, against the offline references, with nullable reference types on.</summary>
internal sealed class CodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public CodeFixTest(string source, string fixedSource, string equivalenceKey)
    {
        ReferenceAssemblies = TestReferences.None;
        TestState.AdditionalReferences.AddRange(TestReferences.All);
        FixedState.AdditionalReferences.AddRange(TestReferences.All);
        TestCode = source;
        FixedCode = fixedSource;
        CodeActionEquivalenceKey = equivalenceKey;
    }

    protected override CompilationOptions CreateCompilationOptions()
        => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);

    protected override ParseOptions CreateParseOptions() => TestReferences.ParseOptions;
}

/// <summary>Short forms for the safety rules' tests.</summary>
internal static class VerifySafety
{
    /// <summary>Usings the test sources share, so that each test shows only its contract.</summary>
    public const string Usings = """
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations;
        using System.Threading;
        using System.Threading.Tasks;
        using ContractGen;
        using MemoryPack;

        """;

    /// <summary>Asserts that <paramref name="source"/> yields exactly the diagnostics of <typeparamref name="TAnalyzer"/> in its markup.</summary>
    public static Task AnalyzerAsync<TAnalyzer>(string source, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
        => new AnalyzerTest<TAnalyzer>(source, expected).RunAsync();

    /// <summary>Asserts the diagnostics of <paramref name="source"/> and that the fix with <paramref name="equivalenceKey"/> turns it into <paramref name="fixedSource"/>.</summary>
    public static Task CodeFixAsync<TAnalyzer, TCodeFix>(string source, string fixedSource, string equivalenceKey, int? iterations = null)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new CodeFixTest<TAnalyzer, TCodeFix>(source, fixedSource, equivalenceKey);
        if (iterations is { } count)
        {
            test.NumberOfIncrementalIterations = count;
            test.NumberOfFixAllIterations = 1;
        }

        return test.RunAsync();
    }
}
