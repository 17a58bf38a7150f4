"""How many patients a study or arm treated ("Patients", "N", "Enrolled")."""

from pipeline.fields.base import ColumnType, Field

N_PATIENTS = Field("n_patients", ColumnType.COUNT,
                   words=("patient", "patients", "pts", "subjects", "cases", "participants", "enrolled",
                          "enrollment"))
FIELDS = (N_PATIENTS,)
