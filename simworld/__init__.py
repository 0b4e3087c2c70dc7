"""simworld"""
