using System.Collections.Immutable;
using System.Globalization;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContractGen.Analyzers;

/// <summary>
/// CGEN3003: in a <c>System</c> contract, a string, byte buffer, array, list or dictionary parameter (or member of a
/// transferred type) whose largest size nobody chose: no <c>[StringLength]</c>, <c>[MaxLength(n)]</c> or <c>[Length]</c>
/// on it, and no contract-wide <c>MaxStringLength</c> / <c>MaxByteLength</c> / <c>MaxCollectionLength</c> set.
/// </summary>
/// <remarks>
/// The diagnostic carries the attribute the code fix adds (<see cref="AttributeProperty"/>, <see cref="LengthProperty"/>),
/// so that the fix needs no semantic model and the analyzer stays the one place that decides.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedInputAnalyzer : ContractSafetyAnalyzer
{
    /// <summary>The diagnostic property naming the attribute to add: <c>StringLength</c> or <c>MaxLength</c>.</summary>
    public const string AttributeProperty = "Attribute";

    /// <summary>The diagnostic property holding the length the fix proposes.</summary>
    public const string LengthProperty = "Length";

    // What the fix proposes: tight enough to matter, large enough for names, keys and short texts; the user edits them.
    private const int SuggestedStringLength = 1024;
    private const int SuggestedCollectionLength = 1024;
    private const int SuggestedByteLength = 64 * 1024;

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnboundedInput);

    private protected override void AnalyzeContract(ContractScope scope)
    {
        if (!scope.Options.IsSystem)
        {
            return;
        }

        foreach (var input in ContractInputs.Collect(scope.Contract, scope.Known, scope.CancellationToken))
        {
            var (attribute, length, setting, contractWide) = input.Shape switch
            {
                CheckShape.String => ("StringLength", SuggestedStringLength, "MaxStringLength", scope.Options.MaxStringLength),
                CheckShape.ByteArray or CheckShape.ByteMemory => ("MaxLength", SuggestedByteLength, "MaxByteLength", scope.Options.MaxByteLength),
                CheckShape.Array or CheckShape.List or CheckShape.Dictionary => ("MaxLength", SuggestedCollectionLength, "MaxCollectionLength", scope.Options.MaxCollectionLength),
                _ => (null, 0, null, null),
            };
            if (attribute is null
                || contractWide is not null
                || ValidationParser.HasMaxLengthAttribute(input.Attributes)
                || scope.IsReportedByBaseContract(input.Method))
            {
                continue;
            }

            // The fix is offered only where the diagnostic points at the value itself, not at a parameter standing in for a
            // member declared in another assembly.
            var properties = !scope.IsInSource(input.Symbol)
                ? null
                : ImmutableDictionary<string, string?>.Empty
                    .Add(AttributeProperty, attribute)
                    .Add(LengthProperty, length.ToString(CultureInfo.InvariantCulture));
            scope.Report(DiagnosticDescriptors.UnboundedInput, input.Symbol, input.Parameter, properties, input.Kind, input.Path, input.Method.Name, attribute, setting!);
        }
    }
}
