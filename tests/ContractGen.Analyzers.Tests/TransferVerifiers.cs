using System.Collections.Immutable;
using ContractGen.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ContractGen.Analyzers.Tests;

/// <summary>
/// The analyzers that judge what crosses the wire, run together as in a build: the parser's rules for parameters and
/// results, and the transfer rules for what lies inside them. Together, so that a test also proves nothing is reported twice.
/// </summary>
internal static class TransferAnalyzers
{
    public static ImmutableArray<DiagnosticAnalyzer> All { get; } = ImmutableArray.Create<DiagnosticAnalyzer>(
        new ContractStructureAnalyzer(), new ObjectRemotingAnalyzer(), new OpenPolymorphismAnalyzer(), new NotMemoryPackableAnalyzer());
}

/// <summary>An analyzer test of <see cref="TransferAnalyzers.All"/> against the offline references.</summary>
internal sealed class TransferAnalyzerTest : CSharpAnalyzerTest<ContractStructureAnalyzer, DefaultVerifier>
{
    public TransferAnalyzerTest(string source, params DiagnosticResult[] expected)
    {
        ReferenceAssemblies = TestReferences.None;
        TestState.AdditionalReferences.AddRange(TestReferences.All);
        TestCode = source;
        ExpectedDiagnostics.AddRange(expected);

        // CGEN1013 and CGEN3004 are supported by two analyzers (parameter and member), with one descriptor.
        MarkupOptions = MarkupOptions.UseFirstDescriptor;
    }

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => TransferAnalyzers.All;

    protected override CompilationOptions CreateCompilationOptions()
        => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);

    protected override ParseOptions CreateParseOptions() => TestReferences.ParseOptions;
}

/// <summary>A code-fix test of <see cref="MakeMemoryPackablePartialCodeFix"/> with <see cref="TransferAnalyzers.All"/>.</summary>
internal sealed class MemoryPackableCodeFixTest : CSharpCodeFixTest<ContractStructureAnalyzer, MakeMemoryPackablePartialCodeFix, DefaultVerifier>
{
    public MemoryPackableCodeFixTest()
    {
        ReferenceAssemblies = TestReferences.None;
        TestState.AdditionalReferences.AddRange(TestReferences.All);
        FixedState.AdditionalReferences.AddRange(TestReferences.All);
        CodeActionEquivalenceKey = MakeMemoryPackablePartialCodeFix.EquivalenceKey;
        MarkupOptions = MarkupOptions.UseFirstDescriptor;
    }

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => TransferAnalyzers.All;

    protected override CompilationOptions CreateCompilationOptions()
        => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);

    protected override ParseOptions CreateParseOptions() => TestReferences.ParseOptions;
}
