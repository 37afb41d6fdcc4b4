using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContractGen.Analyzers;

/// <summary>
/// CGEN3003: in a <c>System</c> contract, a string, byte buffer, array, list or dictionary parameter (or member of a
/// transferred type) whose largest size nobody chose: no <c>[StringLength]</c>, <c>[MaxLength(n)]</c> or <c>[Length]</c>
/// on it, and no contract-wide <c>MaxStringLength</c> / <c>MaxByteLength</c> / <c>MaxCollectionLength</c> set. Also each
/// element of a collection that is itself a string, byte buffer or collection (<c>List&lt;string&gt;</c>'s strings,
/// <c>List&lt;List&lt;int&gt;&gt;</c>'s inner lists, a dictionary's string keys and values) without
/// <c>[ElementMaxLength(n)]</c> / <c>[KeyMaxLength(n)]</c> for its depth and without the contract-wide setting of its kind:
/// <c>[MaxLength(8)] List&lt;string&gt;</c> bounds how many strings, not how long each is.
/// </summary>
/// <remarks>
/// The diagnostic carries the attribute the code fix adds (<see cref="AttributeProperty"/>, <see cref="LengthProperty"/>,
/// <see cref="DepthProperty"/>), so that the fix needs no semantic model and the analyzer stays the one place that decides.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedInputAnalyzer : ContractSafetyAnalyzer
{
    /// <summary>The diagnostic property naming the attribute to add: <c>StringLength</c>, <c>MaxLength</c>, <c>ElementMaxLength</c> or <c>KeyMaxLength</c>.</summary>
    public const string AttributeProperty = "Attribute";

    /// <summary>The diagnostic property holding the length the fix proposes.</summary>
    public const string LengthProperty = "Length";

    /// <summary>The diagnostic property holding the depth of an element bound, when it is not 1.</summary>
    public const string DepthProperty = "Depth";

    // What the fix proposes: tight enough to matter, large enough for names, keys and short texts; the user edits them.
    private const int SuggestedStringLength = 1024;
    private const int SuggestedCollectionLength = 1024;
    private const int SuggestedByteLength = 64 * 1024;

    // Collections nested deeper than this are not walked (no contract needs them; the walk must end on any type).
    private const int MaxElementDepth = 8;

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
            if (scope.IsReportedByBaseContract(input.Method))
            {
                continue;
            }

            var (attribute, length, setting, contractWide) = Bound(input.Shape, scope.Options, element: false);
            if (attribute is not null && contractWide is null && !ValidationParser.HasMaxLengthAttribute(input.Attributes))
            {
                Report(scope, input, attribute, length, setting!, depth: 0, input.Kind, input.Path);
            }

            if (input.Shape is CheckShape.Array or CheckShape.List or CheckShape.Dictionary)
            {
                ReportElements(scope, input, input.Type);
            }
        }
    }

    /// <summary>Walks the element (and key) types of a collection input, reporting each level that nothing bounds.</summary>
    private static void ReportElements(ContractScope scope, ContractInput input, ITypeSymbol collection)
    {
        var bounds = ValidationParser.ReadElementBounds(input.Attributes);
        var path = input.Path;
        var type = collection;
        for (var depth = 1; depth <= MaxElementDepth; depth++)
        {
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                type = nullable.TypeArguments[0];
            }

            if (ValidationParser.Classify(type, scope.Known, out var element, out var key) is not (CheckShape.Array or CheckShape.List or CheckShape.Dictionary))
            {
                return;
            }

            if (key is not null)
            {
                ReportLevel(scope, input, key, bounds, depth, isKey: true, path);
            }

            ReportLevel(scope, input, element!, bounds, depth, isKey: false, path);
            type = element!;
            path += "[]";
        }
    }

    private static void ReportLevel(ContractScope scope, ContractInput input, ITypeSymbol type, IReadOnlyList<ElementBound> bounds, int depth, bool isKey, string path)
    {
        var shape = ValidationParser.Classify(type, scope.Known, out _, out _);
        var (attribute, length, setting, contractWide) = Bound(shape, scope.Options, element: true);
        if (attribute is null || contractWide is not null || ValidationParser.FindBound(bounds, depth, isKey) is not null)
        {
            return;
        }

        Report(scope, input, isKey ? "KeyMaxLength" : attribute, length, setting!, depth, (isKey ? "each key of " : "each element of ") + input.Kind, path);
    }

    // What bounds a value of this shape: the attribute the fix adds, its suggested length, and the contract-wide setting.
    private static (string? Attribute, int Length, string? Setting, int? ContractWide) Bound(CheckShape shape, ContractOptions options, bool element)
        => shape switch
        {
            CheckShape.String => (element ? "ElementMaxLength" : "StringLength", SuggestedStringLength, "MaxStringLength", options.MaxStringLength),
            CheckShape.ByteArray or CheckShape.ByteMemory => (element ? "ElementMaxLength" : "MaxLength", SuggestedByteLength, "MaxByteLength", options.MaxByteLength),
            CheckShape.Array or CheckShape.List or CheckShape.Dictionary => (element ? "ElementMaxLength" : "MaxLength", SuggestedCollectionLength, "MaxCollectionLength", options.MaxCollectionLength),
            _ => (null, 0, null, null),
        };

    private static void Report(ContractScope scope, ContractInput input, string attribute, int length, string setting, int depth, string kind, string path)
    {
        // The fix is offered only where the diagnostic points at the value itself, not at a parameter standing in for a
        // member declared in another assembly.
        var properties = !scope.IsInSource(input.Symbol)
            ? null
            : ImmutableDictionary<string, string?>.Empty
                .Add(AttributeProperty, attribute)
                .Add(LengthProperty, length.ToString(CultureInfo.InvariantCulture));
        if (properties is not null && depth > 1)
        {
            properties = properties.Add(DepthProperty, depth.ToString(CultureInfo.InvariantCulture));
        }

        scope.Report(DiagnosticDescriptors.UnboundedInput, input.Symbol, input.Parameter, properties, kind, path, input.Method.Name, attribute, setting);
    }
}
