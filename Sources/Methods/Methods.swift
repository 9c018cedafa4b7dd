// Visualization methods (issues 5 and 6) land here.
import Engine
