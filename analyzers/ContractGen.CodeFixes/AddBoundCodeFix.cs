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
/// Fixes CGEN3003 by adding the bound the analyzer proposes in the diagnostic's properties: <c>[StringLength(1024)]</c> on a
/// string, <c>[MaxLength(n)]</c> on a buffer or collection (with <c>using System.ComponentModel.DataAnnotations;</c>).
/// The numbers are deliberately tight starting points to edit, never a limit looser than the contract's default.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddBoundCodeFix)), Shared]
public sealed class AddBoundCodeFix : CodeFixProvider
{
    /// <summary>The equivalence key, stable across versions so that Fix All groups every occurrence.</summary>
    public const string EquivalenceKey = "ContractGen.AddBound";

    // The property names UnboundedInputAnalyzer sets (the fixes do not reference the analyzer assembly).
    private const string AttributeProperty = "Attribute";
    private const string LengthProperty = "Length";

    private static readonly FixAllProvider FixAll = FixAllProvider.Create(async (context, document, diagnostics) =>
    {
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var edits = root is null ? [] : diagnostics.Select(d => Edit(root, d)).OfType<AttributeEdit>().ToList();
        return await AttributeEditing.AddAttributesAsync(document, edits, context.CancellationToken).ConfigureAwait(false);
    });

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnboundedInput);

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
            if (Edit(root, diagnostic) is { } edit)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Add [{edit.QualifiedName.Split('.').Last()}({edit.Arguments})]",
                        cancellationToken => AttributeEditing.AddAttributesAsync(context.Document, [edit], cancellationToken),
                        EquivalenceKey),
                    diagnostic);
            }
        }
    }

    private static AttributeEdit? Edit(SyntaxNode root, Diagnostic diagnostic)
        => diagnostic.Properties.TryGetValue(AttributeProperty, out var attribute) && attribute is "StringLength" or "MaxLength"
           && diagnostic.Properties.TryGetValue(LengthProperty, out var length) && int.TryParse(length, out _)
           && AttributeEditing.FindDeclaration(root, diagnostic.Location) is { } declaration
            ? new AttributeEdit(declaration, "System.ComponentModel.DataAnnotations." + attribute, length)
            : null;
}
