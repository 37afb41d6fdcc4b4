using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ContractGen.CodeFixes;

/// <summary>
/// Fixes CGEN3007 by adding <c>[SafePath]</c> without a root. That is already safe (relative paths only, no <c>..</c>,
/// no <c>~</c>); the implementation combines the value with its own directory. A placeholder root would either not
/// compile or compile to something the author did not choose (<c>Root = "/"</c> allows everything), so the fix leaves
/// <c>Root</c> for the author to add.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddSafePathCodeFix)), Shared]
public sealed class AddSafePathCodeFix : CodeFixProvider
{
    /// <summary>The equivalence key, stable across versions so that Fix All groups every occurrence.</summary>
    public const string EquivalenceKey = "ContractGen.AddSafePath";

    private const string SafePath = "ContractGen.SafePath";

    private static readonly FixAllProvider FixAll = FixAllProvider.Create(async (context, document, diagnostics) =>
    {
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var edits = root is null
            ? []
            : diagnostics.Select(d => AttributeEditing.FindDeclaration(root, d.Location)).OfType<SyntaxNode>().Select(n => new AttributeEdit(n, SafePath)).ToList();
        return await AttributeEditing.AddAttributesAsync(document, edits, context.CancellationToken).ConfigureAwait(false);
    });

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnsafePath);

    /// <summary>Fix All edits each document once, adding the <c>using</c> once (see <see cref="AttributeEditing.AddAttributesAsync"/>).</summary>
    public override FixAllProvider GetFixAllProvider() => FixAll;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (AttributeEditing.FindDeclaration(root, diagnostic.Location) is { } declaration)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Add [SafePath]",
                        cancellationToken => AttributeEditing.AddAttributesAsync(context.Document, [new AttributeEdit(declaration, SafePath)], cancellationToken),
                        EquivalenceKey),
                    diagnostic);
            }
        }
    }
}
