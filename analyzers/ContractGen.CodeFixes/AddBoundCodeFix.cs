using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ContractGen.CodeFixes;

/// <summary>
/// Fixes CGEN3003 by adding the bound the analyzer proposes in the diagnostic's properties: <c>[StringLength(1024)]</c> on a
/// string, <c>[MaxLength(n)]</c> on a buffer or collection (with <c>using System.ComponentModel.DataAnnotations;</c>), and
/// <c>[ElementMaxLength(n)]</c> or <c>[KeyMaxLength(n)]</c> (with <c>Depth = d</c> below the first level) on a collection
/// whose elements or keys are unbounded. The numbers are deliberately tight starting points to edit, never a limit looser
/// than the contract's default.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddBoundCodeFix)), Shared]
public sealed class AddBoundCodeFix : AttributeCodeFixProvider
{
    /// <summary>The equivalence key, stable across versions so that Fix All groups every occurrence.</summary>
    public const string EquivalenceKey = "ContractGen.AddBound";

    // The property names UnboundedInputAnalyzer sets (the fixes do not reference the analyzer assembly).
    private const string AttributeProperty = "Attribute";
    private const string LengthProperty = "Length";
    private const string DepthProperty = "Depth";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnboundedInput);

    private protected override IEnumerable<AttributeFix> GetFixes(SyntaxNode root, Diagnostic diagnostic)
        => Edit(root, diagnostic) is { } edit
            ? [new AttributeFix($"Add [{edit.QualifiedName.Split('.').Last()}({edit.Arguments})]", EquivalenceKey, edit)]
            : [];

    private static AttributeEdit? Edit(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(AttributeProperty, out var attribute)
            || !diagnostic.Properties.TryGetValue(LengthProperty, out var length) || !int.TryParse(length, out _)
            || AttributeEditing.FindDeclaration(root, diagnostic.Location) is not { } declaration)
        {
            return null;
        }

        var arguments = diagnostic.Properties.TryGetValue(DepthProperty, out var depth) && int.TryParse(depth, out _) ? $"{length}, Depth = {depth}" : length;
        return attribute switch
        {
            "StringLength" or "MaxLength" => new AttributeEdit(declaration, "System.ComponentModel.DataAnnotations." + attribute, arguments),
            "ElementMaxLength" or "KeyMaxLength" => new AttributeEdit(declaration, "ContractGen." + attribute, arguments),
            _ => null,
        };
    }
}
