"""Township shapes: official or schematic boundaries and Chinese coordinate systems.

``boundaries`` chooses the shapes to show; ``official`` checks a user's boundary file
(read by ``boundary_file``); ``schematic`` draws the default; ``county`` holds the
county outline and the equal-area projection they share; ``web_shapes`` prepares
shapes for the map; ``crs`` converts GCJ-02 and BD-09 coordinates.
"""
