using ContractGen.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ContractGen.Analyzers.Tests;

/// <summary>An analyzer test against the offline references, with nullable reference types on.</summary>
internal sealed class AnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public AnalyzerTest(string source, params DiagnosticResult[] expected)
    {
        ReferenceAssemblies = TestReferences.None;
        TestState.AdditionalReferences.AddRange(TestReferences.All);
        TestCode = source;
        ExpectedDiagnostics.AddRange(expected);
    }

    protected override CompilationOptions CreateCompilationOptions()
        => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);

    protected override ParseOptions CreateParseOptions() => TestReferences.ParseOptions;
}

/// <summary>A code-fix test of <see cref="MakeContractPartialCodeFix"/> against the offline references.</summary>
internal sealed class PartialCodeFixTest : CSharpCodeFixTest<ContractStructureAnalyzer, MakeContractPartialCodeFix, DefaultVerifier>
{
    public PartialCodeFixTest()
    {
        ReferenceAssemblies = TestReferences.None;
        TestState.AdditionalReferences.AddRange(TestReferences.All);
        FixedState.AdditionalReferences.AddRange(TestReferences.All);
        CodeActionEquivalenceKey = MakeContractPartialCodeFix.EquivalenceKey;
    }

    protected override CompilationOptions CreateCompilationOptions()
        => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);

    protected override ParseOptions CreateParseOptions() => TestReferences.ParseOptions;
}

/// <summary>Short forms for the structure analyzer's tests.</summary>
internal static class Verify
{
    /// <summary>Asserts that <paramref name="source"/> yields exactly the diagnostics in its markup and <paramref name="expected"/>.</summary>
    public static Task AnalyzerAsync(string source, params DiagnosticResult[] expected)
        => new AnalyzerTest<ContractStructureAnalyzer>(source, expected).RunAsync();

    /// <summary>A diagnostic expected at markup location <c>{|#n:...|}</c>, for tests that also check its message arguments.</summary>
    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor, int markupLocation = 0)
        => new DiagnosticResult(descriptor).WithLocation(markupLocation);
}
