"""The product studied ("Product", "Construct", "Drug")."""

from pipeline.fields.base import ColumnType, Field

# "Agent" heads the product in reviews of antibodies ("Agent: teclistamab"); an added agent is a combination.
PRODUCT = Field("product", ColumnType.PRODUCT,
                words=("product", "products", "construct", "constructs", "drug", "drugs", "agent", "agents"))
FIELDS = (PRODUCT,)
