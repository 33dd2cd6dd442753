using Microsoft.AspNetCore.Http.HttpResults;
using O4O.Platform.Products;
using O4O.Platform.Web.Components.Admin;

namespace O4O.Platform.Web.Admin;

/// <summary>The stores behind the console's product pages, and the page they render: one parameter for the handlers.</summary>
internal sealed class AdminCatalogue(ProductStore products, CategoryStore categories, StockStore stock, ProductImages images)
{
    public const int HistoryShown = 20;

    public ProductStore Products => products;

    public StockStore Stock => stock;

    public ProductImages Images => images;

    public Task<IReadOnlyList<Category>> CategoriesAsync(CancellationToken cancellationToken) => categories.ListAsync(cancellationToken);

    /// <summary>The product page (or the new-product page when <paramref name="product"/> is null).</summary>
    public async Task<RazorComponentResult<AdminProductEdit>> EditorAsync(
        Product? product, ProductForm form, EditorState state, CancellationToken cancellationToken, int status = StatusCodes.Status200OK)
    {
        var history = product is null ? [] : await stock.HistoryAsync(product.Id, HistoryShown, cancellationToken);
        return new(new { Product = product, Form = form, State = state, Categories = await categories.ListAsync(cancellationToken), History = history })
        {
            StatusCode = status,
        };
    }
}
