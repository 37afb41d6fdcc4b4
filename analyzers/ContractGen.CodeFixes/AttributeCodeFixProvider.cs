using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ContractGen.CodeFixes;

/// <summary>
/// The common part of the fixes that add an attribute to the declaration a diagnostic points at: one code action per
/// <see cref="AttributeFix"/> a diagnostic maps to, and a Fix All that edits each document once, so that the <c>using</c>
/// is added once (see <see cref="AttributeEditing.AddAttributesAsync"/>). A fix states only its diagnostic IDs and
/// <see cref="GetFixes"/>.
/// </summary>
public abstract class AttributeCodeFixProvider : CodeFixProvider
{
    private readonly FixAllProvider fixAll;

    /// <summary>Creates the fix and its Fix All provider.</summary>
    private protected AttributeCodeFixProvider()
        => fixAll = FixAllProvider.Create(async (context, document, diagnostics) =>
        {
            var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            // Fix All applies the action the user chose (its equivalence key) to every diagnostic that offers it.
            var edits = root is null
                ? []
                : diagnostics.SelectMany(d => GetFixes(root, d)).Where(f => f.EquivalenceKey == context.CodeActionEquivalenceKey).Select(f => f.Edit).ToList();
            return await AttributeEditing.AddAttributesAsync(document, edits, context.CancellationToken).ConfigureAwait(false);
        });

    /// <summary>Fix All edits each document once, adding the <c>using</c> once (see <see cref="AttributeEditing.AddAttributesAsync"/>).</summary>
    public sealed override FixAllProvider GetFixAllProvider() => fixAll;

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            foreach (var fix in GetFixes(root, diagnostic))
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        fix.Title,
                        cancellationToken => AttributeEditing.AddAttributesAsync(context.Document, [fix.Edit], cancellationToken),
                        fix.EquivalenceKey),
                    diagnostic);
            }
        }
    }

    /// <summary>The actions offered for <paramref name="diagnostic"/>, in the order shown; none when there is nothing to annotate.</summary>
    private protected abstract IEnumerable<AttributeFix> GetFixes(SyntaxNode root, Diagnostic diagnostic);
}

/// <summary>One action of an <see cref="AttributeCodeFixProvider"/>: its title, its equivalence key and the attribute it adds.</summary>
internal sealed record AttributeFix(string Title, string EquivalenceKey, AttributeEdit Edit);
