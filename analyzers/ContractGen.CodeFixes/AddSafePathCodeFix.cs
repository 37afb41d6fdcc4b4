using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ContractGen.CodeFixes;

/// <summary>
/// Fixes CGEN3007 by adding <c>[SafePath]</c> without a root. That is already safe (relative paths only, no <c>..</c>,
/// no <c>~</c>); the implementation combines the value with its own directory. A placeholder root would either not
/// compile or compile to something the author did not choose (<c>Root = "/"</c> allows everything), so the fix leaves
/// <c>Root</c> for the author to add.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddSafePathCodeFix)), Shared]
public sealed class AddSafePathCodeFix : AttributeCodeFixProvider
{
    /// <summary>The equivalence key, stable across versions so that Fix All groups every occurrence.</summary>
    public const string EquivalenceKey = "ContractGen.AddSafePath";

    private const string SafePath = "ContractGen.SafePath";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnsafePath);

    private protected override IEnumerable<AttributeFix> GetFixes(SyntaxNode root, Diagnostic diagnostic)
        => AttributeEditing.FindDeclaration(root, diagnostic.Location) is { } declaration
            ? [new AttributeFix("Add [SafePath]", EquivalenceKey, new AttributeEdit(declaration, SafePath))]
            : [];
}
